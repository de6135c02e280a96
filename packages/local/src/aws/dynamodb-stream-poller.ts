// Lambda's DynamoDB stream event source mapping, locally: reads a stream of DynamoDB Local through
// the real Streams API (DescribeStream, GetShardIterator, GetRecords), one batch in flight per
// shard, in order, parents before their children, and invokes the handler with records shaped as
// Lambda delivers them. Failures follow the mapping's settings as AWS documents them: retries
// (MaximumRetryAttempts), bisection (BisectBatchOnFunctionError), record age
// (MaximumRecordAgeInSeconds), partial batch responses (ReportBatchItemFailures: resume from the
// lowest failed sequence number) and an SQS on-failure destination receiving Lambda's invocation
// record. A failing batch blocks its shard until it succeeds or is given up, as on AWS.
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type AttributeValue as StreamAttributeValue,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
  type Shard,
  type ShardIteratorType,
} from "@aws-sdk/client-dynamodb-streams";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { AttributeValue, Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { invokeWithTimeout } from "./lambda-invoke";
import { createLocalLog } from "../process/log";

const log = createLocalLog("stream");

export type DynamoDbStreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface DynamoDbStreamPollerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  handler: DynamoDbStreamHandler;
  functionName: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Records per invocation at most (Lambda: 1–10,000, default 100). */
  batchSize?: number;
  /** MaximumBatchingWindowInSeconds: how long to keep filling a batch after its first record (default 0). */
  batchWindowSeconds?: number;
  /** Where a shard that existed when the poller started is read from; later shards are read from their start. */
  startingPosition?: "TRIM_HORIZON" | "LATEST";
  /** MaximumRetryAttempts: retries of a failing batch before it is given up; -1 (default) retries until the record expires. */
  maximumRetryAttempts?: number;
  /** MaximumRecordAgeInSeconds: older records are given up without being sent; -1 (default) never. */
  maximumRecordAgeSeconds?: number;
  /** BisectBatchOnFunctionError: a failing batch is split in two and each half retried (not counted as a retry). */
  bisectBatchOnFunctionError?: boolean;
  /** FunctionResponseTypes: ["ReportBatchItemFailures"]; otherwise a returned response is ignored. */
  reportBatchItemFailures?: boolean;
  /** DestinationConfig.OnFailure: an SQS queue receiving an invocation record for every batch given up. */
  onFailure?: { client: SQSClient; queueUrl: string };
  /** Region in records and in the function ARN; defaults to the stream ARN's, or AWS_REGION for DynamoDB Local's "ddblocal". */
  awsRegion?: string;
  /** Lambda polls each shard about four times a second. */
  pollIntervalMs?: number;
  /** Delay before retrying a failed batch (doubles up to 2 s). */
  retryDelayMs?: number;
}

export interface DynamoDbStreamPollerStats {
  /** Handler invocations. */
  invocations: number;
  /** Records whose invocation succeeded (checkpointed past). */
  succeeded: number;
  /** Invocations that failed in whole or in part and were retried or bisected. */
  failedInvocations: number;
  /** Records given up (retries exhausted or too old): sent to the on-failure destination, or dropped without one. */
  discarded: number;
  /** Invocation records sent to the on-failure destination. */
  onFailureRecords: number;
}

export interface DynamoDbStreamPoller {
  readonly stats: DynamoDbStreamPollerStats;
  /**
   * Resolves once everything written to the table before the call has been handled (succeeded or
   * given up) and every shard is caught up: a barrier for tests ("nothing else will happen").
   */
  whenIdle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The JSON Lambda sends to the on-failure destination for a DynamoDB stream batch it gave up. */
export interface StreamInvocationRecord {
  requestContext: { requestId: string; functionArn: string; condition: "RetryAttemptsExhausted" | "RecordAgeExceeded"; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: "1.0";
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

type Outcome =
  | { kind: "success" }
  | { kind: "partial"; firstFailed: number }
  | { kind: "failure"; reason: string; functionError: boolean };

interface ShardState {
  id: string;
  parentId: string | undefined;
  /** Read from the start (a child or a shard found after start) or from startingPosition. */
  initialPosition: ShardIteratorType;
  iterator: string | null | undefined;
  lastSequenceNumber: string | undefined;
  buffer: DynamoDBRecord[];
  started: boolean;
  done: boolean;
  /** The `clock` value at the start of the latest GetRecords that found nothing while the shard had nothing pending. */
  caughtUpAt: number;
}

const GET_RECORDS_LIMIT = 1000;
const ERROR_BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000];
const MAX_RETRY_DELAY_MS = 2_000;
const SHARD_DISCOVERY_MS = 1_000;

export function startDynamoDbStreamPoller(options: DynamoDbStreamPollerOptions): DynamoDbStreamPoller {
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error(`batchSize must be 1–10000, got ${batchSize}`);
  const maxRetries = options.maximumRetryAttempts ?? -1;
  const maxAgeSeconds = options.maximumRecordAgeSeconds ?? -1;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const retryDelayMs = options.retryDelayMs ?? 100;
  // DynamoDB Local's ARNs name the region "ddblocal"; Lambda's records carry the function's region.
  const arnRegion = options.streamArn.split(":")[3];
  const awsRegion = options.awsRegion ?? (arnRegion && arnRegion !== "ddblocal" ? arnRegion : (process.env.AWS_REGION ?? "us-east-1"));
  const functionArn = `arn:aws:lambda:${awsRegion}:000000000000:function:${options.functionName}`;
  const { client, streamArn, functionName } = options;

  const stats: DynamoDbStreamPollerStats = { invocations: 0, succeeded: 0, failedInvocations: 0, discarded: 0, onFailureRecords: 0 };
  const shards = new Map<string, ShardState>();
  const workers: Promise<void>[] = [];
  const abort = new AbortController();
  let stopping = false;
  let firstDiscovery = true;

  // The idle barrier: whenIdle() advances the clock; the stream is idle for a target once a
  // DescribeStream and, on every live shard, an empty GetRecords have started after it.
  let clock = 0;
  let describedAt = -1;
  const idleWaiters: { target: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  const isIdleFor = (target: number) =>
    describedAt >= target && [...shards.values()].every((shard) => shard.done || (shard.started && shard.caughtUpAt >= target));
  const checkIdle = () => {
    for (const waiter of [...idleWaiters]) {
      if (isIdleFor(waiter.target)) {
        idleWaiters.splice(idleWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  let wakeCoordinator: () => void = () => undefined;
  const sleep = (ms: number, wake?: (wakeUp: () => void) => void) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        abort.signal.removeEventListener("abort", done);
        resolve();
      }
      abort.signal.addEventListener("abort", done, { once: true });
      wake?.(done);
    });

  const withBackoff = async <T>(what: string, attempt: () => Promise<T>): Promise<T | undefined> => {
    for (let failures = 0; !stopping; failures++) {
      try {
        return await attempt();
      } catch (error) {
        if (stopping) return undefined;
        const backoff = ERROR_BACKOFF_MS[Math.min(failures, ERROR_BACKOFF_MS.length - 1)]!;
        if (failures === 0 || backoff === ERROR_BACKOFF_MS.at(-1)) log.warn(`${functionName}: ${what} failed (${describe(error)}); retrying in ${backoff} ms`);
        await sleep(backoff);
      }
    }
    return undefined;
  };

  // ---- shards ----------------------------------------------------------------------------------

  const discover = async () => {
    const started = clock;
    const described: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const page = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}) }), {
        abortSignal: abort.signal,
      });
      described.push(...(page.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);

    const describedIds = new Set(described.map((shard) => shard.ShardId));
    for (const shard of described) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const parentId = shard.ParentShardId && describedIds.has(shard.ParentShardId) ? shard.ParentShardId : undefined;
      shards.set(shard.ShardId, {
        id: shard.ShardId,
        parentId,
        initialPosition: firstDiscovery && !parentId ? (options.startingPosition ?? "TRIM_HORIZON") : "TRIM_HORIZON",
        iterator: undefined,
        lastSequenceNumber: undefined,
        buffer: [],
        started: false,
        done: false,
        caughtUpAt: -1,
      });
    }
    firstDiscovery = false;
    // A child is read only once its parent is drained, so an item's changes stay in order.
    for (const shard of shards.values()) {
      const parent = shard.parentId ? shards.get(shard.parentId) : undefined;
      if (!shard.started && (!parent || parent.done)) {
        shard.started = true;
        workers.push(runShard(shard).catch((error: unknown) => log.error(`${functionName}: shard ${shard.id} crashed: ${describe(error)}`)));
      }
    }
    describedAt = started;
    checkIdle();
  };

  const coordinator = async () => {
    while (!stopping) {
      await withBackoff("DescribeStream", discover);
      await sleep(SHARD_DISCOVERY_MS, (wake) => (wakeCoordinator = wake));
    }
  };

  const acquireIterator = async (shard: ShardState): Promise<void> => {
    const position: { ShardIteratorType: ShardIteratorType; SequenceNumber?: string } = shard.lastSequenceNumber
      ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: shard.lastSequenceNumber }
      : { ShardIteratorType: shard.initialPosition };
    const result = await client.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.id, ...position }), { abortSignal: abort.signal });
    shard.iterator = result.ShardIterator ?? null;
  };

  /** One GetRecords; false when the shard has nothing more right now. */
  const read = async (shard: ShardState): Promise<boolean> => {
    if (shard.iterator === undefined) await acquireIterator(shard);
    if (!shard.iterator) return false;
    const started = clock;
    let result;
    try {
      result = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: GET_RECORDS_LIMIT }), { abortSignal: abort.signal });
    } catch (error) {
      if (error instanceof ExpiredIteratorException) {
        shard.iterator = undefined; // re-acquired after the last record read
        return true;
      }
      if (error instanceof TrimmedDataAccessException) {
        log.warn(`${functionName}: shard ${shard.id}: records past the retention period were trimmed; reading from the oldest left`);
        shard.lastSequenceNumber = undefined;
        shard.initialPosition = "TRIM_HORIZON";
        shard.iterator = undefined;
        return true;
      }
      throw error;
    }
    shard.iterator = result.NextShardIterator ?? null;
    const records = result.Records ?? [];
    for (const record of records) shard.buffer.push(toLambdaRecord(record, streamArn, awsRegion));
    if (records.length > 0) shard.lastSequenceNumber = records.at(-1)?.dynamodb?.SequenceNumber;
    if (records.length === 0 && shard.buffer.length === 0) {
      shard.caughtUpAt = started;
      checkIdle();
    }
    return records.length > 0;
  };

  const runShard = async (shard: ShardState) => {
    while (!stopping) {
      // Gather a batch: as soon as records are there, or until the batching window closes.
      let windowClosesAt: number | undefined;
      while (!stopping && shard.buffer.length < batchSize && shard.iterator !== null) {
        const got = await withBackoff(`GetRecords on ${shard.id}`, () => read(shard));
        if (shard.buffer.length > 0 && windowClosesAt === undefined) windowClosesAt = Date.now() + (options.batchWindowSeconds ?? 0) * 1000;
        if (windowClosesAt !== undefined && Date.now() >= windowClosesAt) break;
        if (!got) await sleep(shard.buffer.length === 0 ? pollIntervalMs : Math.min(pollIntervalMs, Math.max(0, windowClosesAt! - Date.now())));
      }
      if (stopping) return;
      if (shard.buffer.length === 0) {
        if (shard.iterator === null) {
          // A closed shard read to its end: its children may start.
          shard.done = true;
          checkIdle();
          wakeCoordinator();
          return;
        }
        continue;
      }
      const batch = shard.buffer.slice(0, batchSize);
      const delivered = await deliver(shard, batch);
      if (!delivered) return; // stopping mid-batch: nothing past it is checkpointed
      shard.buffer.splice(0, batch.length);
    }
  };

  // ---- one batch, its retries, bisection and give-up ---------------------------------------

  /** Handles the batch until each record succeeded or was given up; false if stopped first. */
  const deliver = async (shard: ShardState, records: DynamoDBRecord[]): Promise<boolean> => {
    const pending: { records: DynamoDBRecord[]; retries: number; invokes: number; last?: { requestId: string; functionError: boolean } }[] = [
      { records, retries: 0, invokes: 0 },
    ];
    let delay = retryDelayMs;
    while (pending.length > 0) {
      if (stopping) return false;
      const item = pending[0]!;
      if (maxAgeSeconds >= 0) {
        const oldestAllowed = Date.now() / 1000 - maxAgeSeconds;
        const expired = item.records.filter((record) => (record.dynamodb?.ApproximateCreationDateTime ?? Infinity) < oldestAllowed);
        if (expired.length > 0) {
          if (!(await giveUp(shard, expired, "RecordAgeExceeded", item.invokes, item.last))) return false;
          item.records = item.records.slice(expired.length);
          if (item.records.length === 0) {
            pending.shift();
            continue;
          }
        }
      }

      const outcome = await invoke(item.records, (requestId, functionError) => {
        item.invokes++;
        item.last = { requestId, functionError };
      });
      if (outcome.kind === "success") {
        stats.succeeded += item.records.length;
        pending.shift();
        delay = retryDelayMs;
        continue;
      }
      stats.failedInvocations++;
      if (outcome.kind === "partial") {
        // Everything before the lowest failed record is done; the rest is retried from there.
        stats.succeeded += outcome.firstFailed;
        item.records = item.records.slice(outcome.firstFailed);
        item.retries++;
      } else if (options.bisectBatchOnFunctionError && item.records.length > 1) {
        log.warn(`${functionName}: batch of ${item.records.length} on ${shard.id} failed (${outcome.reason}); bisecting`);
        const half = Math.ceil(item.records.length / 2);
        pending.splice(0, 1, { records: item.records.slice(0, half), retries: item.retries, invokes: 0 }, { records: item.records.slice(half), retries: item.retries, invokes: 0 });
        continue;
      } else {
        log.warn(`${functionName}: batch of ${item.records.length} on ${shard.id} failed (${outcome.reason})`);
        item.retries++;
      }
      if (maxRetries >= 0 && item.retries > maxRetries) {
        if (!(await giveUp(shard, item.records, "RetryAttemptsExhausted", item.invokes, item.last))) return false;
        pending.shift();
        continue;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
    return true;
  };

  const invoke = async (records: DynamoDBRecord[], onInvoked: (requestId: string, functionError: boolean) => void): Promise<Outcome> => {
    stats.invocations++;
    const outcome = await invokeWithTimeout(options.handler, { Records: records }, options);
    onInvoked(outcome.requestId, outcome.kind !== "returned");
    if (outcome.kind === "timeout") return { kind: "failure", reason: `timed out after ${options.timeoutSeconds} s`, functionError: true };
    if (outcome.kind === "threw") return { kind: "failure", reason: `handler threw: ${describe(outcome.error)}`, functionError: true };
    if (!options.reportBatchItemFailures) return { kind: "success" };
    return interpretStreamResponse(outcome.value, records);
  };

  /** Sends the invocation record (retrying until it is sent: a given-up batch is never lost silently). */
  const giveUp = async (
    shard: ShardState,
    records: DynamoDBRecord[],
    condition: StreamInvocationRecord["requestContext"]["condition"],
    invokes: number,
    last: { requestId: string; functionError: boolean } | undefined,
  ): Promise<boolean> => {
    const first = records[0]!.dynamodb!;
    const lastRecord = records.at(-1)!.dynamodb!;
    const invocationRecord: StreamInvocationRecord = {
      requestContext: { requestId: last?.requestId ?? crypto.randomUUID(), functionArn, condition, approximateInvokeCount: invokes },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", ...(last?.functionError ? { functionError: "Unhandled" } : {}) },
      version: "1.0",
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: shard.id,
        startSequenceNumber: first.SequenceNumber ?? "",
        endSequenceNumber: lastRecord.SequenceNumber ?? "",
        approximateArrivalOfFirstRecord: isoSeconds(first.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: isoSeconds(lastRecord.ApproximateCreationDateTime),
        batchSize: records.length,
        streamArn,
      },
    };
    const what = `${records.length} record(s) ${invocationRecord.DDBStreamBatchInfo.startSequenceNumber}…${invocationRecord.DDBStreamBatchInfo.endSequenceNumber} on ${shard.id} (${condition})`;
    const destination = options.onFailure;
    if (!destination) {
      log.warn(`${functionName}: gave up ${what}; no on-failure destination, the records are skipped`);
    } else {
      const sent = await withBackoff("sending to the on-failure destination", () =>
        destination.client.send(new SendMessageCommand({ QueueUrl: destination.queueUrl, MessageBody: JSON.stringify(invocationRecord) })),
      );
      if (sent === undefined) return false;
      stats.onFailureRecords++;
      log.warn(`${functionName}: gave up ${what}; invocation record sent to the on-failure destination`);
    }
    stats.discarded += records.length;
    return true;
  };

  const coordinatorDone = coordinator().catch((error: unknown) => log.error(`${functionName}: stream poller crashed: ${describe(error)}`));

  let stopped: Promise<void> | undefined;
  return {
    stats,
    whenIdle: (timeoutMs = 30_000) => {
      if (stopping) return Promise.reject(new Error("The stream poller is stopped."));
      const target = ++clock;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const index = idleWaiters.findIndex((waiter) => waiter.resolve === done);
          if (index >= 0) idleWaiters.splice(index, 1);
          const busy = [...shards.values()].filter((shard) => !shard.done && shard.buffer.length > 0).map((shard) => `${shard.id} (${shard.buffer.length} pending)`);
          reject(new Error(`The stream poller did not become idle within ${timeoutMs} ms; busy shards: ${busy.join(", ") || "none (still reading)"}`));
        }, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        idleWaiters.push({ target, resolve: done, reject });
        wakeCoordinator();
        checkIdle();
      });
    },
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        abort.abort();
        await coordinatorDone;
        await Promise.all(workers);
        for (const waiter of idleWaiters.splice(0)) waiter.reject(new Error("The stream poller stopped."));
      })()),
  };
}

/**
 * AWS's rules for a stream batch's partial response: no response, an empty one or an empty/null
 * `batchItemFailures` is success; otherwise the lowest failed sequence number is the checkpoint.
 * An entry with a missing, empty or non-string itemIdentifier, or one naming no record of the
 * batch, fails the whole batch.
 */
export function interpretStreamResponse(response: unknown, records: readonly DynamoDBRecord[]): Outcome {
  if (response === undefined || response === null) return { kind: "success" };
  if (typeof response !== "object" || Array.isArray(response)) return { kind: "failure", reason: "the handler's response is not an object", functionError: false };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: "success" };
  if (!Array.isArray(failures)) return { kind: "failure", reason: "batchItemFailures is not a list", functionError: false };
  let firstFailed = Infinity;
  for (const failure of failures as unknown[]) {
    const id = typeof failure === "object" && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== "string" || id === "") return { kind: "failure", reason: "a batchItemFailures entry has no itemIdentifier", functionError: false };
    const index = records.findIndex((record) => record.dynamodb?.SequenceNumber === id);
    if (index < 0) return { kind: "failure", reason: `batchItemFailures names ${JSON.stringify(id)}, which is not a sequence number of this batch`, functionError: false };
    firstFailed = Math.min(firstFailed, index);
  }
  return firstFailed === Infinity ? { kind: "success" } : { kind: "partial", firstFailed };
}

/** The record as Lambda delivers it: the Streams API's record in its JSON form. */
export function toLambdaRecord(record: StreamRecord, streamArn: string, awsRegion: string): DynamoDBRecord {
  const change = record.dynamodb ?? {};
  return {
    eventID: record.eventID ?? "",
    eventName: record.eventName ?? "MODIFY",
    eventVersion: record.eventVersion ?? "1.1",
    eventSource: "aws:dynamodb",
    awsRegion,
    dynamodb: {
      ...(change.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(change.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(change.Keys ? { Keys: toJsonImage(change.Keys) } : {}),
      ...(change.NewImage ? { NewImage: toJsonImage(change.NewImage) } : {}),
      ...(change.OldImage ? { OldImage: toJsonImage(change.OldImage) } : {}),
      ...(change.SequenceNumber ? { SequenceNumber: change.SequenceNumber } : {}),
      ...(change.SizeBytes !== undefined ? { SizeBytes: change.SizeBytes } : {}),
      ...(change.StreamViewType ? { StreamViewType: change.StreamViewType } : {}),
    },
    eventSourceARN: streamArn,
    // TTL deletions carry the DynamoDB service as their user identity.
    ...(record.userIdentity ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } } : {}),
  };
}

function toJsonImage(image: Record<string, StreamAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toJsonValue(value)]));
}

// The SDK hands binary values over as bytes; Lambda's JSON has them base64-encoded.
function toJsonValue(value: StreamAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString("base64")) };
  if (value.L !== undefined) return { L: value.L.map(toJsonValue) };
  if (value.M !== undefined) return { M: toJsonImage(value.M) };
  throw new Error(`Unknown attribute value type: ${JSON.stringify(value)}`);
}

function isoSeconds(epochSeconds: number | undefined): string {
  return epochSeconds === undefined ? "" : new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
