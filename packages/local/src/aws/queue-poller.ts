// Lambda's SQS event source mapping, locally: long-polls a queue, gathers batches (batch size,
// batching window), invokes the handler with Lambda-shaped SQS events and a fresh context under
// the function timeout, and deletes messages by AWS's ReportBatchItemFailures rules. Failed
// messages are left alone: they reappear after the visibility timeout, and the queue's redrive
// policy moves them to the DLQ after maxReceiveCount receives, as on AWS.
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from "aws-lambda";
import { invokeWithTimeout } from "./lambda-invoke";
import { createLocalLog } from "../process/log";

const log = createLocalLog("poller");

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface QueuePollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** Records per invocation at most (Lambda: 1–10, up to 10,000 with a batching window). */
  batchSize: number;
  /** Lambda's MaximumBatchingWindowInSeconds: how long to keep filling a batch after its first message. */
  batchWindowSeconds: number;
  functionName: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Pollers running side by side, each with at most one invocation in flight. */
  concurrency?: number;
  /** Long-poll wait while idle; Lambda uses 20 s. */
  waitTimeSeconds?: number;
}

export interface QueuePollerStats {
  /** Handler invocations. */
  batches: number;
  /** Messages deleted after their invocation. */
  succeeded: number;
  /** Messages left on the queue for a retry (failed records, failed or timed-out invocations). */
  failed: number;
}

export interface QueuePoller {
  stop(): Promise<void>;
  readonly stats: QueuePollerStats;
}

type Outcome =
  | { kind: "success" }
  | { kind: "partial"; failedIds: Set<string> }
  | { kind: "failure"; reason: string };

const MAX_RECEIVE = 10;
const IDLE_RETRY_MS = 50;
const ERROR_BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000];

/** Lambda's own record attributes beyond the four every record carries. */
const OPTIONAL_RECORD_ATTRIBUTES = ["AWSTraceHeader", "SequenceNumber", "MessageGroupId", "MessageDeduplicationId", "DeadLetterQueueSourceArn"] as const;

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const { client, queueUrl, queueArn, functionName } = options;
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${options.batchSize}`);
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  const awsRegion = queueArn.split(":")[3] || process.env.AWS_REGION || "us-east-1";
  const stats: QueuePollerStats = { batches: 0, succeeded: 0, failed: 0 };
  const abort = new AbortController();
  let stopping = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        abort.signal.removeEventListener("abort", done);
        resolve();
      }
      abort.signal.addEventListener("abort", done, { once: true });
    });

  let consecutiveErrors = 0;
  const receive = async (max: number, wait: number): Promise<Message[]> => {
    try {
      const result = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
        { abortSignal: abort.signal },
      );
      consecutiveErrors = 0;
      return result.Messages ?? [];
    } catch (error) {
      if (stopping) return [];
      const backoff = ERROR_BACKOFF_MS[Math.min(consecutiveErrors, ERROR_BACKOFF_MS.length - 1)] ?? 5_000;
      if (consecutiveErrors === 0 || backoff === ERROR_BACKOFF_MS.at(-1)) {
        log.warn(`${functionName}: ReceiveMessage failed (${describe(error)}); retrying in ${backoff} ms`);
      }
      consecutiveErrors++;
      await sleep(backoff);
      return [];
    }
  };

  // A batch closes when it is full or its window (counted from its first message) has passed.
  // Messages already in hand when stop() is called are still delivered, not abandoned.
  const gather = async (): Promise<Message[]> => {
    const batch: Message[] = [];
    let closesAt: number | undefined;
    while (batch.length < options.batchSize && !stopping) {
      const remainingMs = closesAt === undefined ? undefined : closesAt - Date.now();
      if (remainingMs !== undefined && remainingMs <= 0) break;
      // Long-poll only for whole seconds the window still has; the last fraction is short polls.
      const wait = remainingMs === undefined ? waitTimeSeconds : Math.floor(remainingMs / 1000);
      const messages = await receive(Math.min(MAX_RECEIVE, options.batchSize - batch.length), wait);
      for (const message of messages) {
        // A visibility timeout shorter than the window lets a message come back into its own
        // batch; only its newest receipt handle can delete it.
        const earlier = batch.findIndex((m) => m.MessageId === message.MessageId);
        if (earlier >= 0) batch.splice(earlier, 1);
        batch.push(message);
      }
      if (batch.length > 0 && closesAt === undefined) closesAt = Date.now() + options.batchWindowSeconds * 1000;
      if (messages.length === 0 && remainingMs !== undefined && wait === 0) await sleep(Math.min(IDLE_RETRY_MS, remainingMs));
    }
    return batch;
  };

  const invoke = async (messages: Message[]): Promise<void> => {
    const records = messages.map((message) => toRecord(message, queueArn, awsRegion));
    stats.batches++;
    const outcome = await runHandler(options, records);

    const failedIds =
      outcome.kind === "success" ? new Set<string>() : outcome.kind === "partial" ? outcome.failedIds : new Set(records.map((r) => r.messageId));
    const toDelete = records.filter((record) => !failedIds.has(record.messageId));
    const undeleted = await deleteRecords(client, queueUrl, toDelete, functionName);
    stats.succeeded += toDelete.length - undeleted;
    stats.failed += records.length - toDelete.length + undeleted;

    if (outcome.kind === "failure") {
      log.warn(
        `${functionName}: batch of ${records.length} failed (${outcome.reason}); all its messages return after the visibility timeout: ${records.map(describeRecord).join(", ")}`,
      );
    } else if (outcome.kind === "partial") {
      for (const record of records.filter((r) => failedIds.has(r.messageId))) {
        log.warn(`${functionName}: record failed, returns after the visibility timeout: ${describeRecord(record)}`);
      }
    }
  };

  const worker = async () => {
    while (!stopping) {
      const batch = await gather();
      if (batch.length > 0) await invoke(batch);
    }
  };

  const concurrency = Math.max(1, options.concurrency ?? 2);
  const workers = Array.from({ length: concurrency }, () =>
    worker().catch((error: unknown) => log.error(`${functionName}: poller crashed: ${describe(error)}`)),
  );

  let stopped: Promise<void> | undefined;
  return {
    stats,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        abort.abort();
        await Promise.all(workers);
      })()),
  };
}

async function runHandler(options: QueuePollerOptions, records: SQSRecord[]): Promise<Outcome> {
  const event: SQSEvent = { Records: records };
  const outcome = await invokeWithTimeout(options.handler, event, options);
  if (outcome.kind === "timeout") return { kind: "failure", reason: `timed out after ${options.timeoutSeconds} s` };
  if (outcome.kind === "threw") return { kind: "failure", reason: `handler threw: ${describe(outcome.error)}` };
  return interpretResponse(outcome.value, records);
}

/**
 * AWS's success and failure conditions for partial batch responses: no response, an empty
 * response or an empty/null `batchItemFailures` is complete success; an entry whose
 * itemIdentifier is missing, empty, not a string or not a message id of the batch makes the
 * whole batch a failure, as does a response that is not an object.
 */
export function interpretResponse(response: unknown, records: readonly SQSRecord[]): Outcome {
  if (response === undefined || response === null) return { kind: "success" };
  if (typeof response !== "object" || Array.isArray(response)) return { kind: "failure", reason: "the handler's response is not an object" };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: "success" };
  if (!Array.isArray(failures)) return { kind: "failure", reason: "batchItemFailures is not a list" };
  const ids = new Set(records.map((record) => record.messageId));
  const failedIds = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = typeof failure === "object" && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== "string" || id === "") return { kind: "failure", reason: "a batchItemFailures entry has no itemIdentifier" };
    if (!ids.has(id)) return { kind: "failure", reason: `batchItemFailures names ${JSON.stringify(id)}, which is not a message of this batch` };
    failedIds.add(id);
  }
  return failedIds.size === 0 ? { kind: "success" } : { kind: "partial", failedIds };
}

/** The record Lambda builds from a received message. */
export function toRecord(message: Message, queueArn: string, awsRegion: string): SQSRecord {
  const received = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: received.ApproximateReceiveCount ?? "1",
    SentTimestamp: received.SentTimestamp ?? "",
    SenderId: received.SenderId ?? "",
    ApproximateFirstReceiveTimestamp: received.ApproximateFirstReceiveTimestamp ?? "",
  };
  for (const name of OPTIONAL_RECORD_ATTRIBUTES) {
    const value = received[name];
    if (value !== undefined) attributes[name] = value;
  }
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toRecordAttribute(value);
  }
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion,
  };
}

// Lambda spells attribute values in camelCase, carries both list fields (empty: SQS reserves
// them) and passes binary values base64-encoded.
function toRecordAttribute(value: MessageAttributeValue): SQSMessageAttributes[string] {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((binary) => Buffer.from(binary).toString("base64")),
    dataType: value.DataType ?? "String",
  };
}

/** Deletes in batches of ten; returns how many could not be deleted (they will be redelivered). */
async function deleteRecords(client: SQSClient, queueUrl: string, records: readonly SQSRecord[], functionName: string): Promise<number> {
  let undeleted = 0;
  for (let i = 0; i < records.length; i += MAX_RECEIVE) {
    const chunk = records.slice(i, i + MAX_RECEIVE);
    try {
      const result = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      for (const failure of result.Failed ?? []) {
        undeleted++;
        const record = chunk[Number(failure.Id)];
        log.warn(`${functionName}: could not delete ${record ? describeRecord(record) : `entry ${failure.Id}`}: ${failure.Code} ${failure.Message ?? ""}`);
      }
    } catch (error) {
      undeleted += chunk.length;
      log.warn(`${functionName}: deleting ${chunk.length} processed messages failed (${describe(error)}); they will be delivered again`);
    }
  }
  return undeleted;
}

function describeRecord(record: SQSRecord): string {
  return `${record.messageId} (receive #${record.attributes.ApproximateReceiveCount})`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
