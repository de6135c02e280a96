// Builds and runs the Next.js storefront (web/) as a child process: `next dev` for `npm run
// dev`, `next build` + `next start` for the e2e suite and the benchmark. The API address is
// passed at run time (NEXT_PUBLIC_API_URL, which the server reads per request), so one build serves
// a stack on any port. Secrets in our environment (Stripe keys, AWS settings the handlers use)
// are not passed on: the storefront needs none of them.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { storefront } from "@shopwave/infra/topology";
import { killWithUs } from "../process/child-process-lifetime";
import { assertPortFree, findFreePort } from "../process/free-port";
import { repoRoot } from "../aws/handler-loader";

export const webDir = path.join(repoRoot, "web");

export interface StorefrontOptions {
  mode: "dev" | "production";
  /** Interface to bind; 127.0.0.1 keeps it off the network. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The API's base URL as the browser and the server reach it. */
  apiUrl: string;
  /** The sign-in issuer (AUTH_ISSUER_URL), for the storefront's server: sign-in redirects, code exchange, refresh. */
  authUrl?: string;
  /** Each line Next prints (its progress and errors); silent when absent. */
  onOutput?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface Storefront {
  /** What a shopper opens: http://localhost:<port> (the origin the API allows for CORS). */
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const OUTPUT_TAIL_LINES = 40;
const SECRET_VARIABLE = /^(AWS_|SST_|STRIPE_)|SECRET|PASSWORD|TOKEN|PRIVATE/i;

function nextBin(): string {
  return createRequire(path.join(webDir, "package.json")).resolve("next/dist/bin/next");
}

/** Our environment minus secrets and test-runner settings that would change Next's behaviour. */
export function storefrontEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !SECRET_VARIABLE.test(key) && key !== "NODE_ENV" && !key.startsWith("VITEST")) env[key] = value;
  }
  // Next's anonymous telemetry would try to reach the network.
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

interface NextProcess {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  tail: () => string;
  pid: number;
  kill: (signal: NodeJS.Signals) => void;
}

function runNext(args: string[], env: NodeJS.ProcessEnv, onOutput?: (line: string) => void): NextProcess {
  const child = spawn(process.execPath, [nextBin(), ...args], {
    cwd: webDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group: Ctrl-C in a terminal reaches only us (we stop Next in order), and
    // stopping the group also stops the workers `next dev` forks.
    detached: process.platform !== "win32",
  });
  const lines: string[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > OUTPUT_TAIL_LINES) lines.shift();
    onOutput?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split(/\r?\n/);
      buffered = parts.pop() ?? "";
      // Next also prints bare terminal control sequences (cursor show/hide): not lines.
      for (const part of parts) if (part.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").trim()) onLine(part);
    });
  }
  const released = killWithUs(child, { processGroup: true });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => {
      onLine(String(error));
      resolve({ code: null, signal: null });
    });
  });
  void exited.then(released);
  return {
    exited,
    tail: () => lines.join("\n"),
    pid: child.pid ?? -1,
    kill: (signal) => {
      try {
        if (process.platform !== "win32" && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    },
  };
}

/** `next build` of web/. The environment is passed as given (the secret-scan test builds with secrets present on purpose). */
export async function buildStorefront(options: { env?: NodeJS.ProcessEnv; onOutput?: (line: string) => void } = {}): Promise<{ ms: number }> {
  const started = Date.now();
  const build = runNext(["build"], options.env ?? storefrontEnv(), options.onOutput);
  const { code, signal } = await build.exited;
  if (code !== 0) throw new Error(`next build failed (${signal ? `signal ${signal}` : `exit code ${code}`}). Output tail:\n${build.tail()}`);
  return { ms: Date.now() - started };
}

export async function startStorefront(options: StorefrontOptions): Promise<Storefront> {
  const host = options.host ?? "127.0.0.1";
  if (options.port) await assertPortFree(options.port, "the storefront");
  const port = options.port || (await findFreePort());
  const command = options.mode === "dev" ? "dev" : "start";
  const next = runNext([command, "--hostname", host, "--port", String(port)], storefrontEnv({ [storefront.apiUrlEnv]: options.apiUrl, ...(options.authUrl ? { [storefront.authUrlEnv]: options.authUrl } : {}) }), options.onOutput);

  const stop = async () => {
    next.kill("SIGTERM");
    const forced = setTimeout(() => next.kill("SIGKILL"), 5_000);
    await next.exited;
    clearTimeout(forced);
  };

  // Ready when it serves a static file (pages would also call the API and, in dev, compile).
  const probe = `http://${host.includes(":") ? `[${host}]` : host}:${port}/favicon.svg`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let exitedEarly = false;
  void next.exited.then(() => (exitedEarly = true));
  for (;;) {
    if (exitedEarly) throw new Error(`next ${command} exited before it was ready. Output tail:\n${next.tail()}`);
    try {
      const response = await fetch(probe, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next ${command} did not answer at ${probe} in time. Output tail:\n${next.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://localhost:${port}`, port, pid: next.pid, stop };
}
