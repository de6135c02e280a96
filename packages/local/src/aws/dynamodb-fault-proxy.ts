// A pass-through HTTP proxy in front of DynamoDB Local that injects faults on demand:
// throttling and server errors in DynamoDB's own wire format (the SDK classifies and retries
// them as it would on AWS), slow answers, and dropped connections before or after the request
// reached the database (the latter is a committed write whose answer is lost, which the SDK
// retries). Faults match by operation (X-Amz-Target) and optionally table, for a given count.
// It can also enforce DynamoDB's per-partition write rate (partition-write-limiter.ts), which
// DynamoDB Local does not, answering over-limit writes with DynamoDB's own throttling errors.
//
// Hand-written: DynamoDB Local has no fault injection, and generic HTTP fault proxies
// (toxiproxy and the like) are separate binaries that cannot speak DynamoDB's error format.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { listen, urlHost } from "../process/listen";
import { createLocalLog } from "../process/log";
import { createPartitionWriteLimiter, isWriteOperation, partitionWrites, throttledAnswer, type PartitionWriteLimit } from "./partition-write-limiter";

const log = createLocalLog("dynamodb");

export type DynamoDbFault = {
  /** e.g. "TransactWriteItems"; any operation when absent. */
  operation?: string;
  /** Only requests naming this table (anywhere in the request); any when absent. */
  table?: string;
  /** How many matching requests it affects; every one when absent. */
  times?: number;
} & (
  /** Throttling as DynamoDB reports it (HTTP 400); the SDK retries these with backoff. */
  | { kind: "throttle"; code?: "ProvisionedThroughputExceededException" | "ThrottlingException" | "RequestLimitExceeded" }
  /** An internal server error (HTTP 500); retried by the SDK. */
  | { kind: "server-error" }
  /** Forwards the request, answering only after this long (lets client timeouts fire). */
  | { kind: "delay"; delayMs: number }
  /** Resets the connection before forwarding, or after the database has executed the request. */
  | { kind: "drop"; when: "before" | "after" }
);

export interface DynamoDbFaultProxy {
  endpoint: string;
  /** Writes refused by the partition write limit so far (each SDK attempt counts), by operation. */
  readonly throttledWrites: Readonly<Record<string, number>>;
  inject(fault: DynamoDbFault): void;
  clear(): void;
  /** How many requests each fault kind has affected so far. */
  readonly injected: Readonly<Record<DynamoDbFault["kind"], number>>;
  stop(): Promise<void>;
}

export async function startDynamoDbFaultProxy(options: {
  target: string;
  host?: string;
  port?: number;
  /** Enforce DynamoDB's per-partition write rate (partition-write-limiter.ts); none when absent. */
  partitionWriteLimit?: PartitionWriteLimit;
}): Promise<DynamoDbFaultProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let faults: (DynamoDbFault & { remaining: number })[] = [];
  const injected: Record<DynamoDbFault["kind"], number> = { throttle: 0, "server-error": 0, delay: 0, drop: 0 };
  const limit = options.partitionWriteLimit;
  const limiter = limit ? createPartitionWriteLimiter(limit) : undefined;
  const throttledWrites: Record<string, number> = {};
  /** The limiter's verdict on a write request: undefined to forward it, else DynamoDB's throttling answer. */
  const overPartitionLimit = (operation: string, body: string) => {
    if (!limiter || !limit || !isWriteOperation(operation)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined; // DynamoDB Local answers a malformed body itself
    }
    const writes = partitionWrites(operation, parsed, limit.hashKeys);
    const verdict = limiter.admit(writes);
    if (verdict.admitted) return undefined;
    // A batch is refused only when nothing in it fits (AWS would return the rest unprocessed).
    if (operation === "BatchWriteItem" && verdict.throttled.length < writes.filter(Boolean).length) return undefined;
    throttledWrites[operation] = (throttledWrites[operation] ?? 0) + 1;
    return throttledAnswer(operation, writes, verdict.throttled);
  };

  const takeFault = (operation: string, body: string): DynamoDbFault | undefined => {
    const fault = faults.find(
      (f) => f.remaining > 0 && (!f.operation || f.operation === operation) && (!f.table || body.includes(`"${f.table}"`)),
    );
    if (!fault) return undefined;
    fault.remaining--;
    injected[fault.kind]++;
    return fault;
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });

  const errorAnswer = (res: ServerResponse, status: number, code: string, message: string) => {
    const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message });
    res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": code, "content-length": Buffer.byteLength(body) });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    // Not DynamoDB's API: what the limiter refused, for load reports.
    if (req.method === "GET" && req.url === "/_shopwave/throttled-writes") {
      const body = JSON.stringify({ throttledWrites, partitionWriteLimit: limit ? { writeUnitsPerSecond: limit.writeUnitsPerSecond, burstUnits: limit.burstUnits ?? limit.writeUnitsPerSecond } : null });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      const fault = takeFault(operation, body.toString("utf8"));
      if (fault) log.warn(`injecting ${fault.kind} into ${operation}`);
      if (fault?.kind === "throttle") {
        return errorAnswer(res, 400, fault.code ?? "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded (injected fault).");
      }
      if (fault?.kind === "server-error") return errorAnswer(res, 500, "InternalServerError", "Internal server error (injected fault).");
      const throttled = fault ? undefined : overPartitionLimit(operation, body.toString("utf8"));
      if (throttled) {
        const answer = JSON.stringify(throttled.body);
        res.writeHead(throttled.status, { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": throttled.code, "content-length": Buffer.byteLength(answer) });
        return res.end(answer);
      }
      if (fault?.kind === "drop" && fault.when === "before") return req.socket.destroy();
      void (async () => {
        if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        const answer = await forward(req, body);
        if (fault?.kind === "drop") return req.socket.destroy();
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })().catch((error: unknown) => {
        log.error(`proxying ${operation} failed: ${String(error)}`);
        if (!res.headersSent) errorAnswer(res, 500, "InternalServerError", "The DynamoDB fault proxy could not reach DynamoDB Local.");
        else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, options.port ?? 0, host);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${urlHost(host)}:${port}`,
    inject: (fault) => faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY }),
    clear: () => {
      faults = [];
    },
    injected,
    throttledWrites,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      })),
  };
}
