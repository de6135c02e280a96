// GET latency under 64 concurrent connections (autocannon), for the API and for a bare node:http
// server answering the same bytes from another process: the difference is what the gateway
// emulator, the handler, its middleware and DynamoDB add on this machine.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export interface HttpLatencyResult {
  url: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

export async function measureGetLatency(url: string, options: { connections: number; seconds: number }): Promise<HttpLatencyResult> {
  // A short warm-up so connection setup and first-call work are not in the figures.
  await autocannon({ url, connections: options.connections, duration: 1 });
  const result = await autocannon({ url, connections: options.connections, duration: options.seconds });
  return {
    url,
    connections: options.connections,
    seconds: options.seconds,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}

export interface BareServer {
  url: string;
  stop(): Promise<void>;
}

const bareServerEntry = fileURLToPath(new URL("./bare-http-server.mjs", import.meta.url));

/** Starts the bare node:http server in its own process, answering every request with `body`. */
export async function startBareServer(body: string): Promise<BareServer> {
  const child = fork(bareServerEntry, [], { env: { ...process.env, BARE_BODY: body }, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message: { port: number }) => resolve(message.port));
    child.once("exit", (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}/products`,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
