// Makes a child process (DynamoDB Local's JVM, the Next.js storefront) die with us, however we
// die: an "exit" hook for ordinary exits, and a watchdog for signals that skip exit hooks.
import { spawn, type ChildProcess } from "node:child_process";

const liveChildren = new Map<ChildProcess, { processGroup: boolean }>();
let exitHookInstalled = false;

function killNow(child: ChildProcess, processGroup: boolean): void {
  try {
    if (processGroup && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    else child.kill("SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Kills the child (or, with processGroup, its whole group: a child started `detached` that
 * forks workers of its own) when this process exits or is killed. Returns a function to call
 * once the child has exited by itself.
 */
export function killWithUs(child: ChildProcess, options: { processGroup?: boolean } = {}): () => void {
  const processGroup = options.processGroup === true && process.platform !== "win32";
  liveChildren.set(child, { processGroup });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const [live, settings] of liveChildren) killNow(live, settings.processGroup);
    });
  }
  const watchdog = startWatchdog(child, processGroup);
  return () => {
    liveChildren.delete(child);
    watchdog?.kill("SIGKILL");
  };
}

/**
 * An "exit" handler does not run when we are killed by a signal (a test runner's SIGTERM or
 * SIGKILL). A tiny shell reading a pipe from us gets end-of-file whenever we die, however we
 * die, and then kills the child.
 */
function startWatchdog(child: ChildProcess, processGroup: boolean): ChildProcess | undefined {
  if (process.platform === "win32" || child.pid === undefined) return undefined;
  const target = processGroup ? `-${child.pid}` : String(child.pid);
  const watchdog = spawn("/bin/sh", ["-c", 'read -r _ ; kill -s KILL -- "$1" 2>/dev/null', "watchdog", target], {
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  watchdog.on("error", () => undefined); // no shell: the exit handler remains
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}
