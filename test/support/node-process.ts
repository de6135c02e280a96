// Runs the repository's TypeScript entry points (the worker process, the DLQ command) as real
// child processes, the way an operator or a crashed-and-restarted Lambda would see them.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "@shopwave/local/aws/handler-loader";

const run = promisify(execFile);

/** Starts `node --import tsx <file>` with the given env added to this process's. */
export function spawnTs(file: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, file), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs a TypeScript CLI to completion and returns its output; rejects on a non-zero exit. */
export async function runTs(file: string, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ["--import", "tsx", path.join(repoRoot, file), ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
}

/** Collects a child's stdout as parsed JSON lines (Powertools logs), ignoring anything else. */
export function collectJsonLines(child: ChildProcess): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        // progress lines and the like
      }
    }
  });
  return lines;
}

export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}
