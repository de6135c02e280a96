// A local EventBridge event bus: an HTTP server speaking the AWS JSON 1.1 protocol the current
// @aws-sdk/client-eventbridge uses for PutEvents (X-Amz-Target: AWSEvents.PutEvents), reached
// through AWS_ENDPOINT_URL_EVENTBRIDGE. Rules are data given at start (name, event pattern, SQS
// queue targets); each accepted entry becomes an event envelope as EventBridge builds it and is
// sent to the queue of every target of every matching rule, as EventBridge delivers to SQS.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { listen, urlHost } from "../../process/listen";
import { createLocalLog } from "../../process/log";
import { matchesEventPattern, validateEventPattern, type EventPattern } from "./event-pattern";

const log = createLocalLog("events");

export interface EventBusRule {
  name: string;
  eventPattern: EventPattern;
  /** SQS queue targets: the envelope is the message body. */
  targets: readonly { id: string; queueUrl: string }[];
}

export interface EventBusDeclaration {
  name: string;
  rules: readonly EventBusRule[];
}

export interface LocalEventBusOptions {
  /** Custom buses and their rules; the `default` bus always exists (with no rules unless declared). */
  buses: readonly EventBusDeclaration[];
  /** Delivers to the targets' queues (the local SQS). */
  sqs: SQSClient;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  region?: string;
  account?: string;
  /**
   * Largest total entry size of one PutEvents request, computed as AWS documents it (Time 14 bytes,
   * Source, DetailType, Detail and each Resource in UTF-8). EventBridge's limit is 1 MiB since
   * January 2026 (256 KB before).
   */
  maxRequestEntryBytes?: number;
}

/** The envelope EventBridge delivers to a target (an SQS message body is this JSON). */
export interface EventEnvelope {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface LocalEventBusStats {
  /** Entries accepted (given an EventId). */
  accepted: number;
  /** Entries refused (FailedEntryCount over all requests). */
  failed: number;
  /** Messages sent to target queues. */
  delivered: number;
}

export interface LocalEventBus {
  endpoint: string;
  port: number;
  readonly stats: LocalEventBusStats;
  /** Envelopes accepted so far, per bus name, in order (for tests and diagnostics). */
  readonly events: ReadonlyMap<string, readonly EventEnvelope[]>;
  /** Resolves once every accepted event has reached every target queue. */
  whenDelivered(): Promise<void>;
  stop(): Promise<void>;
}

interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Resources?: unknown;
  EventBusName?: unknown;
  Time?: unknown;
  TraceHeader?: unknown;
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const MAX_ENTRIES = 10;
const DELIVERY_BACKOFF_MS = [100, 250, 500, 1_000, 2_000, 5_000];

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startLocalEventBus(options: LocalEventBusOptions): Promise<LocalEventBus> {
  const host = options.host ?? "127.0.0.1";
  const region = options.region ?? "us-east-1";
  const account = options.account ?? "000000000000";
  const maxRequestEntryBytes = options.maxRequestEntryBytes ?? 1024 * 1024;
  const buses = new Map<string, readonly EventBusRule[]>([["default", []]]);
  for (const bus of options.buses) {
    for (const rule of bus.rules) {
      try {
        validateEventPattern(rule.eventPattern);
      } catch (error) {
        throw new Error(`Rule ${rule.name} on bus ${bus.name}: ${(error as Error).message}`, { cause: error });
      }
    }
    buses.set(bus.name, bus.rules);
  }
  const stats: LocalEventBusStats = { accepted: 0, failed: 0, delivered: 0 };
  const events = new Map<string, EventEnvelope[]>();
  const pending = new Set<Promise<void>>();
  let stopping = false;

  const busNameOf = (value: unknown): string | undefined => {
    if (value === undefined || value === null || value === "") return "default";
    if (typeof value !== "string") return undefined;
    // A name or an ARN (arn:aws:events:<region>:<account>:event-bus/<name>).
    return value.startsWith("arn:") ? value.slice(value.indexOf(":event-bus/") + ":event-bus/".length) : value;
  };

  const accept = (entry: PutEventsEntry): EntryResult => {
    for (const [field, value] of [
      ["Source", entry.Source],
      ["DetailType", entry.DetailType],
      ["Detail", entry.Detail],
    ] as const) {
      if (typeof value !== "string" || value === "") return { ErrorCode: "InvalidArgument", ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
    }
    if (typeof detail !== "object" || detail === null || Array.isArray(detail)) return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
    const busName = busNameOf(entry.EventBusName);
    const rules = busName === undefined ? undefined : buses.get(busName);
    if (!rules) return { ErrorCode: "InvalidArgument", ErrorMessage: `Event bus ${String(entry.EventBusName)} does not exist.` };
    const resources = Array.isArray(entry.Resources) ? entry.Resources.filter((r): r is string => typeof r === "string") : [];
    const envelope: EventEnvelope = {
      version: "0",
      id: randomUUID(),
      "detail-type": entry.DetailType as string,
      source: entry.Source as string,
      account,
      time: isoSeconds(typeof entry.Time === "number" ? new Date(entry.Time * 1000) : new Date()),
      region,
      resources,
      detail,
    };
    const list = events.get(busName!) ?? [];
    list.push(envelope);
    events.set(busName!, list);
    for (const rule of rules) {
      if (!matchesEventPattern(rule.eventPattern, envelope)) continue;
      for (const target of rule.targets) deliver(rule, target, envelope);
    }
    return { EventId: envelope.id };
  };

  // EventBridge delivers after PutEvents returns and retries a failing target; so does this,
  // and whenDelivered() is the barrier.
  const deliver = (rule: EventBusRule, target: { id: string; queueUrl: string }, envelope: EventEnvelope) => {
    const delivery = (async () => {
      for (let attempt = 0; !stopping; attempt++) {
        try {
          await options.sqs.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: JSON.stringify(envelope) }));
          stats.delivered++;
          return;
        } catch (error) {
          const backoff = DELIVERY_BACKOFF_MS[Math.min(attempt, DELIVERY_BACKOFF_MS.length - 1)]!;
          if (attempt === 0 || backoff === DELIVERY_BACKOFF_MS.at(-1)) {
            log.warn(`rule ${rule.name} → target ${target.id}: delivering ${envelope.id} failed (${String(error)}); retrying in ${backoff} ms`);
          }
          await new Promise((resolve) => setTimeout(resolve, backoff));
        }
      }
    })();
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
  };

  const putEvents = (body: { Entries?: unknown }): { FailedEntryCount: number; Entries: EntryResult[] } => {
    const entries = body.Entries;
    if (!Array.isArray(entries)) throw new AwsError("ValidationException", "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      const bound = entries.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_ENTRIES}`;
      throw new AwsError("ValidationException", `1 validation error detected: Value '[…${entries.length} entries]' at 'entries' failed to satisfy constraint: Member must have length ${bound}`);
    }
    const total = (entries as PutEventsEntry[]).reduce((sum, entry) => sum + entrySize(entry), 0);
    if (total > maxRequestEntryBytes) throw new AwsError("ValidationException", "Total size of the entries in the request is over the limit.");
    const results = (entries as PutEventsEntry[]).map((entry) => (typeof entry === "object" && entry !== null ? accept(entry) : { ErrorCode: "InvalidArgument", ErrorMessage: "Entry is not an object." }));
    const failed = results.filter((result) => "ErrorCode" in result).length;
    stats.accepted += results.length - failed;
    stats.failed += failed;
    return { FailedEntryCount: failed, Entries: results };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const send = (status: number, payload: unknown, errorType?: string) => {
      response.writeHead(status, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": randomUUID(),
        ...(errorType ? { "x-amzn-errortype": errorType } : {}),
      });
      response.end(JSON.stringify(payload));
    };
    try {
      const target = request.headers["x-amz-target"];
      if (request.method !== "POST" || typeof target !== "string") throw new AwsError("UnknownOperationException", "Only AWS JSON 1.1 POST requests are served.", 404);
      if (target !== "AWSEvents.PutEvents") throw new AwsError("UnknownOperationException", `${target} is not supported by the local event bus (PutEvents only).`);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        throw new AwsError("SerializationException", "The request body is not valid JSON.");
      }
      send(200, putEvents((body ?? {}) as { Entries?: unknown }));
    } catch (error) {
      if (error instanceof AwsError) send(error.status, { __type: error.type, message: error.message }, error.type);
      else {
        log.error(`PutEvents failed: ${String(error)}`);
        send(500, { __type: "InternalException", message: "Internal error." }, "InternalException");
      }
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  const port = await listen(server, options.port ?? 0, host);
  const endpoint = `http://${urlHost(host)}:${port}`;
  log.info(`event bus listening at ${endpoint} (${[...buses.keys()].join(", ")})`);

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    stats,
    events,
    whenDelivered: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stop: () =>
      (stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // Deliveries already under way finish; failing ones stop retrying.
        stopping = true;
        await Promise.all([...pending]);
      })()),
  };
}

/** AWS's "Calculating PutEvents event entry size". */
export function entrySize(entry: PutEventsEntry): number {
  const bytes = (value: unknown) => (typeof value === "string" ? Buffer.byteLength(value, "utf8") : 0);
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const resource of entry.Resources) size += bytes(resource);
  return size;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
