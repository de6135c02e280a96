import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { TableDeclaration } from "@shopwave/infra/topology";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createTables, latestStreamArn } from "./create-tables";
import { interpretStreamResponse, startDynamoDbStreamPoller, type DynamoDbStreamPoller, type DynamoDbStreamPollerOptions, type StreamInvocationRecord } from "./dynamodb-stream-poller";
import { createQueues, startLocalSqs, type LocalSqs } from "./sqs-local";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const endpoint = inject("dynamoDbEndpoint");
const dynamo = new DynamoDBClient({ endpoint, region: "us-east-1", credentials });
const db = DynamoDBDocumentClient.from(dynamo);
const streams = new DynamoDBStreamsClient({ endpoint, region: "us-east-1", credentials });

let sqs: LocalSqs;
let sqsClient: SQSClient;
const pollers: DynamoDbStreamPoller[] = [];

beforeAll(async () => {
  sqs = await startLocalSqs({ port: 0 });
  sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: "us-east-1", credentials });
});
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});
afterAll(async () => {
  sqsClient.destroy();
  await sqs.stop();
  dynamo.destroy();
  streams.destroy();
});

/** A fresh table with a NEW_AND_OLD_IMAGES stream, and a fresh on-failure queue. */
async function fixture() {
  const suffix = randomUUID().slice(0, 8);
  const declaration: TableDeclaration = { resource: `Streamed${suffix}`, hashKey: "id", attributes: { id: "S" }, globalIndexes: [], stream: "NEW_AND_OLD_IMAGES" };
  const table = `stream-test-${declaration.resource}`;
  await createTables(dynamo, [declaration], () => table);
  const streamArn = await latestStreamArn(dynamo, table);
  const queues = await createQueues(
    sqsClient,
    [{ resource: `Failures${suffix}`, visibilityTimeoutSeconds: 30, deadLetter: { resource: `FailuresDlq${suffix}`, maxReceiveCount: 5 }, consumer: undefined as never }],
    (resource) => `stream-test-${resource}`,
  );
  const onFailureUrl = queues[`Failures${suffix}`]!.url;
  const calls: DynamoDBRecord[][] = [];
  const start = (handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>, settings: Partial<DynamoDbStreamPollerOptions> = {}) => {
    const poller = startDynamoDbStreamPoller({
      client: streams,
      streamArn,
      functionName: "stream-test",
      timeoutSeconds: 5,
      memoryMb: 128,
      pollIntervalMs: 20,
      retryDelayMs: 5,
      onFailure: { client: sqsClient, queueUrl: onFailureUrl },
      awsRegion: "us-east-1",
      ...settings,
      handler: async (event) => {
        calls.push(event.Records);
        return handler(event);
      },
    });
    pollers.push(poller);
    return poller;
  };
  const put = (id: string, extra: Record<string, unknown> = {}) => db.send(new PutCommand({ TableName: table, Item: { id, ...extra } }));
  const failureRecords = async (): Promise<StreamInvocationRecord[]> => {
    const { Messages } = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: onFailureUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    return (Messages ?? []).map((message) => JSON.parse(message.Body!) as StreamInvocationRecord);
  };
  return { table, streamArn, calls, start, put, failureRecords };
}

const idsOf = (records: DynamoDBRecord[]) => records.map((record) => record.dynamodb?.Keys?.id?.S);
const seqOf = (record: DynamoDBRecord | undefined) => record!.dynamodb!.SequenceNumber!;

describe("the DynamoDB stream poller", () => {
  it("delivers every change in order, shaped as Lambda delivers DynamoDB stream records", async () => {
    const f = await fixture();
    const poller = f.start(async () => undefined, { batchSize: 100 });
    await f.put("a", { n: 1, blob: new Uint8Array([1, 2, 3]), tags: new Set(["x"]) });
    await f.put("b", { n: 2 });
    await db.send(new UpdateCommand({ TableName: f.table, Key: { id: "a" }, UpdateExpression: "SET n = :n", ExpressionAttributeValues: { ":n": 3 } }));
    await db.send(new DeleteCommand({ TableName: f.table, Key: { id: "b" } }));
    await poller.whenIdle();

    const records = f.calls.flat();
    expect(records.map((record) => [record.eventName, record.dynamodb?.Keys?.id?.S])).toEqual([
      ["INSERT", "a"],
      ["INSERT", "b"],
      ["MODIFY", "a"],
      ["REMOVE", "b"],
    ]);
    const sequence = records.map((record) => BigInt(seqOf(record)));
    expect([...sequence].sort((x, y) => (x < y ? -1 : 1))).toEqual(sequence);
    const modify = records[2]!;
    expect(modify).toEqual({
      eventID: expect.any(String),
      eventName: "MODIFY",
      eventVersion: expect.stringMatching(/^1\.\d$/),
      eventSource: "aws:dynamodb",
      awsRegion: "us-east-1",
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { id: { S: "a" } },
        NewImage: { id: { S: "a" }, n: { N: "3" }, blob: { B: "AQID" }, tags: { SS: ["x"] } },
        OldImage: { id: { S: "a" }, n: { N: "1" }, blob: { B: "AQID" }, tags: { SS: ["x"] } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
      eventSourceARN: f.streamArn,
    });
    expect(Math.abs(modify.dynamodb!.ApproximateCreationDateTime! - Date.now() / 1000)).toBeLessThan(600);
    expect(records[0]!.dynamodb).not.toHaveProperty("OldImage");
    expect(records[3]!.dynamodb).not.toHaveProperty("NewImage");
    expect(poller.stats).toMatchObject({ succeeded: 4, failedInvocations: 0, discarded: 0 });
  });

  it("invokes with at most batchSize records, in order across batches", async () => {
    const f = await fixture();
    for (const id of ["1", "2", "3", "4", "5"]) await f.put(id);
    const poller = f.start(async () => undefined, { batchSize: 2 });
    await poller.whenIdle();
    expect(f.calls.map(idsOf)).toEqual([["1", "2"], ["3", "4"], ["5"]]);
  });

  it("retries a failing batch MaximumRetryAttempts times, then sends Lambda's invocation record to the on-failure destination and moves on", async () => {
    const f = await fixture();
    for (const id of ["1", "2", "3"]) await f.put(id);
    const poller = f.start(
      async (event) => {
        if (idsOf(event.Records).includes("2")) throw new Error("poison");
      },
      { maximumRetryAttempts: 2 },
    );
    await poller.whenIdle();
    expect(f.calls.map(idsOf)).toEqual([["1", "2", "3"], ["1", "2", "3"], ["1", "2", "3"]]);

    const [record, ...more] = await f.failureRecords();
    expect(more).toEqual([]);
    expect(record).toEqual({
      requestContext: {
        requestId: expect.any(String),
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:stream-test",
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      DDBStreamBatchInfo: {
        shardId: expect.any(String),
        startSequenceNumber: seqOf(f.calls[0]![0]),
        endSequenceNumber: seqOf(f.calls[0]![2]),
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        batchSize: 3,
        streamArn: f.streamArn,
      },
    });

    // The shard is no longer blocked: a later change is delivered.
    await f.put("4");
    await poller.whenIdle();
    expect(idsOf(f.calls.at(-1)!)).toEqual(["4"]);
    expect(poller.stats).toMatchObject({ invocations: 4, succeeded: 1, discarded: 3, onFailureRecords: 1 });
  });

  it("bisects a failing batch until the poison record stands alone; only it is given up, every other record succeeds once", async () => {
    const f = await fixture();
    for (const id of ["1", "2", "3", "4"]) await f.put(id);
    const succeeded: string[] = [];
    const poller = f.start(
      async (event) => {
        const ids = idsOf(event.Records) as string[];
        if (ids.includes("3")) throw new Error("poison");
        succeeded.push(...ids);
      },
      { bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 },
    );
    await poller.whenIdle();
    expect(f.calls.map(idsOf)).toEqual([["1", "2", "3", "4"], ["1", "2"], ["3", "4"], ["3"], ["3"], ["4"]]);
    expect(succeeded).toEqual(["1", "2", "4"]);
    const [record, ...more] = await f.failureRecords();
    expect(more).toEqual([]);
    expect(record!.DDBStreamBatchInfo).toMatchObject({ batchSize: 1, startSequenceNumber: seqOf(f.calls[3]![0]), endSequenceNumber: seqOf(f.calls[3]![0]) });
    expect(record!.requestContext).toMatchObject({ condition: "RetryAttemptsExhausted", approximateInvokeCount: 2 });
  });

  it("with ReportBatchItemFailures resumes from the lowest failed sequence number: earlier records are not redelivered", async () => {
    const f = await fixture();
    for (const id of ["1", "2", "3", "4", "5"]) await f.put(id);
    let failedOnce = false;
    const poller = f.start(
      async (event) => {
        const four = event.Records.find((record) => record.dynamodb?.Keys?.id?.S === "4");
        const three = event.Records.find((record) => record.dynamodb?.Keys?.id?.S === "3");
        if (!failedOnce && three && four) {
          failedOnce = true;
          // Reported out of order on purpose: the lowest sequence number is the checkpoint.
          return { batchItemFailures: [{ itemIdentifier: seqOf(four) }, { itemIdentifier: seqOf(three) }] };
        }
        return { batchItemFailures: [] };
      },
      { reportBatchItemFailures: true },
    );
    await poller.whenIdle();
    expect(f.calls.map(idsOf)).toEqual([["1", "2", "3", "4", "5"], ["3", "4", "5"]]);
    expect(poller.stats).toMatchObject({ invocations: 2, succeeded: 5, failedInvocations: 1, discarded: 0 });
    expect(await f.failureRecords()).toEqual([]);
  });

  it("without ReportBatchItemFailures ignores a returned response, as Lambda does", async () => {
    const f = await fixture();
    await f.put("1");
    const poller = f.start(async (event) => ({ batchItemFailures: [{ itemIdentifier: seqOf(event.Records[0]) }] }));
    await poller.whenIdle();
    expect(f.calls.map(idsOf)).toEqual([["1"]]);
  });

  it("gives up records older than MaximumRecordAgeInSeconds (RecordAgeExceeded) instead of retrying them forever", async () => {
    const f = await fixture();
    await f.put("old");
    const poller = f.start(
      async () => {
        throw new Error("down");
      },
      { maximumRecordAgeSeconds: 1, retryDelayMs: 100 },
    );
    await poller.whenIdle();
    const [record] = await f.failureRecords();
    expect(record!.requestContext).toMatchObject({ condition: "RecordAgeExceeded" });
    expect(record!.DDBStreamBatchInfo.batchSize).toBe(1);
  });

  it("whenIdle waits for changes made before it was called, across a slow handler", async () => {
    const f = await fixture();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const poller = f.start(async () => gate);
    await f.put("1");
    let idle = false;
    const idlePromise = poller.whenIdle().then(() => (idle = true));
    // The handler holds the batch: the barrier must not pass until it returns.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(idle).toBe(false);
    release();
    await idlePromise;
    expect(f.calls.map(idsOf)).toEqual([["1"]]);
  });

  it("stops cleanly while a batch is being retried", async () => {
    const f = await fixture();
    await f.put("1");
    const poller = f.start(async () => {
      throw new Error("down");
    });
    while (f.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await poller.stop();
    const calls = f.calls.length;
    await f.put("2");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(f.calls.length).toBe(calls);
    await expect(poller.whenIdle()).rejects.toThrow(/stopped/);
  });
});

describe("interpretStreamResponse", () => {
  const records = ["100", "200", "300"].map((SequenceNumber) => ({ dynamodb: { SequenceNumber } }) as DynamoDBRecord);
  it.each([
    [undefined, { kind: "success" }],
    [null, { kind: "success" }],
    [{}, { kind: "success" }],
    [{ batchItemFailures: null }, { kind: "success" }],
    [{ batchItemFailures: [] }, { kind: "success" }],
    [{ batchItemFailures: [{ itemIdentifier: "300" }, { itemIdentifier: "200" }] }, { kind: "partial", firstFailed: 1 }],
  ])("%j → %j", (response, expected) => {
    expect(interpretStreamResponse(response, records)).toEqual(expected);
  });
  it.each([[{ batchItemFailures: [{ itemIdentifier: "" }] }], [{ batchItemFailures: [{ itemIdentifier: null }] }], [{ batchItemFailures: [{ id: "100" }] }], [{ batchItemFailures: [{ itemIdentifier: "999" }] }], [{ batchItemFailures: "100" }], ["ok"]])(
    "%j fails the whole batch",
    (response) => {
      expect(interpretStreamResponse(response, records).kind).toBe("failure");
    },
  );
});
