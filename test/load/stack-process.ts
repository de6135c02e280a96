// Runs the local stack in its own Node process for the load test and the benchmarks, so the
// system under test and the load generator do not share one event loop (on a small machine they
// would otherwise measure each other). The child's output goes to a log file, not the terminal.
import { fork } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LocalStack } from "@shopwave/local/stack/local-stack";
import type { AwsUsage } from "./cost/aws-usage-meter";

export interface StackProcessOptions {
  pollerConcurrency?: number;
  /** Settings for the handlers on top of .env.example / .env (e.g. the hold limits of a stage). */
  handlerEnv?: Record<string, string>;
  /** The gateway takes each request's client address from X-Forwarded-For (one generator, many clients). */
  trustForwardedFor?: boolean;
  /** DynamoDB's per-partition write rate, enforced in front of DynamoDB Local (scaled; see BENCHMARKS.md). */
  partitionWriteLimit?: { writeUnitsPerSecond: number; burstUnits?: number };
  /**
   * Meter what the run would be billed for (cost/aws-usage-meter.ts; default on). The meter reads
   * each item a request touched from DynamoDB Local to bill it by size, which costs the stack's
   * process time: turn it off for runs that measure throughput or latency only.
   */
  meter?: boolean;
  /** Extra Node flags for the stack's process, e.g. ["--cpu-prof", "--cpu-prof-dir=…"] to profile it. */
  nodeOptions?: string[];
}

export type StackProcessMessage =
  | {
      type: "ready";
      urls: LocalStack["urls"];
      /** The CDN (a CloudFront-like cache) in front of the API, for the catalog reads. */
      catalogUrl: string;
      tableNames: LocalStack["tableNames"];
      queueUrls: LocalStack["queueUrls"];
      eventQueueUrls: LocalStack["eventQueueUrls"];
      handlerEnv: LocalStack["handlerEnv"];
    }
  | { type: "failed"; message: string }
  | { type: "usage"; usage: AwsUsage | null; cdn: { hit: number; stale: number; miss: number; pass: number; bytesOut: number } };

/** Asks the stack for what it metered so far (and to start again from zero with `reset`). */
export type StackProcessRequest = { type: "usage"; reset?: boolean };
export type StackUsage = Omit<Extract<StackProcessMessage, { type: "usage" }>, "type">;

export interface StackProcess {
  urls: LocalStack["urls"];
  catalogUrl: string;
  tableNames: LocalStack["tableNames"];
  queueUrls: LocalStack["queueUrls"];
  /** The order event consumers' queues and DLQs, and the publisher's failure queue. */
  eventQueueUrls: LocalStack["eventQueueUrls"];
  /** Env that makes another process's handlers see this stack (the benchmarks' cold starts use it). */
  handlerEnv: LocalStack["handlerEnv"];
  pid: number;
  logFile: string;
  /** AWS usage metered in the stack since the last reset (cost/aws-usage-meter.ts; null with `meter: false`). */
  usage(options?: { reset?: boolean }): Promise<StackUsage>;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL("./stack-process-main.ts", import.meta.url));

export async function startStackProcess(options: StackProcessOptions & { logFile: string }): Promise<StackProcess> {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  // The child writes its logs straight into the file: through a pipe, every log line would be a
  // synchronous pipe write in the child (Node writes to pipes synchronously on Linux) plus a
  // read and a write here, and under load that alone took ~18 % of the stack's CPU.
  const log = openSync(options.logFile, "w");
  const child = fork(entry, [], {
    execArgv: ["--import", "tsx", ...(options.nodeOptions ?? [])],
    env: {
      ...process.env,
      SHOPWAVE_STACK_PROCESS_OPTIONS: JSON.stringify({
        pollerConcurrency: options.pollerConcurrency,
        handlerEnv: options.handlerEnv,
        trustForwardedFor: options.trustForwardedFor,
        partitionWriteLimit: options.partitionWriteLimit,
        meter: options.meter,
      } satisfies StackProcessOptions),
    },
    stdio: ["ignore", log, log, "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const ready = await new Promise<Extract<StackProcessMessage, { type: "ready" }>>((resolve, reject) => {
    child.once("message", (message: StackProcessMessage) => {
      if (message.type === "ready") resolve(message);
      else if (message.type === "failed") reject(new Error(`The local stack did not start:\n${message.message}`));
    });
    child.once("exit", (code) => reject(new Error(`The local stack process exited (${code}) before it was ready; see ${options.logFile}.`)));
  });
  return {
    urls: ready.urls,
    catalogUrl: ready.catalogUrl,
    tableNames: ready.tableNames,
    queueUrls: ready.queueUrls,
    eventQueueUrls: ready.eventQueueUrls,
    handlerEnv: ready.handlerEnv,
    pid: child.pid!,
    logFile: options.logFile,
    usage: ({ reset = false } = {}) =>
      new Promise<StackUsage>((resolve) => {
        const onMessage = (message: StackProcessMessage) => {
          if (message.type !== "usage") return;
          child.off("message", onMessage);
          resolve({ usage: message.usage, cdn: message.cdn });
        };
        child.on("message", onMessage);
        child.send({ type: "usage", reset } satisfies StackProcessRequest);
      }),
    async stop() {
      if (child.exitCode === null && child.connected) child.send("stop");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
      closeSync(log);
    },
  };
}
