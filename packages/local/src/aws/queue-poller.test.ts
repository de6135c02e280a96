import { createHash } from "node:crypto";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { queues } from "@shopwave/infra/topology";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { interpretResponse, startQueuePoller, type QueuePoller, type QueuePollerOptions } from "./queue-poller";
import { createQueues, startLocalSqs, type CreatedQueue, type LocalSqs } from "./sqs-local";

const VISIBILITY_TIMEOUT_SECONDS = 1;
const MAX_RECEIVE_COUNT = 3;

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for condition");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("startQueuePoller against local SQS", () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  const pollers: QueuePoller[] = [];
  let queueCounter = 0;

  beforeAll(async () => {
    sqs = await startLocalSqs({ host: "127.0.0.1", port: 0 });
    client = new SQSClient({ endpoint: sqs.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  });
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  });
  afterAll(async () => {
    client?.destroy();
    await sqs?.stop();
  });

  /** A fresh queue and DLQ per test, with a short visibility timeout. */
  async function freshQueue(visibilityTimeoutSeconds = VISIBILITY_TIMEOUT_SECONDS): Promise<{ main: CreatedQueue; dlq: CreatedQueue }> {
    const resource = `Q${++queueCounter}`;
    const created = await createQueues(
      client,
      [{ ...queues.orderEvents, resource, visibilityTimeoutSeconds, deadLetter: { resource: `${resource}Dlq`, maxReceiveCount: MAX_RECEIVE_COUNT } }],
      (r) => `poller-test-${r}`,
    );
    return { main: created[resource]!, dlq: created[`${resource}Dlq`]! };
  }

  async function send(queueUrl: string, ...bodies: string[]): Promise<void> {
    for (let i = 0; i < bodies.length; i += 10) {
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: bodies.slice(i, i + 10).map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
    }
  }

  async function counts(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
    );
    return { visible: Number(Attributes?.ApproximateNumberOfMessages), inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible) };
  }

  function poll(queue: CreatedQueue, handler: QueuePollerOptions["handler"], overrides: Partial<QueuePollerOptions> = {}): QueuePoller {
    const poller = startQueuePoller({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler,
      batchSize: 10,
      batchWindowSeconds: 0,
      functionName: "workers-order-events",
      timeoutSeconds: 5,
      memoryMb: 512,
      concurrency: 1,
      ...overrides,
    });
    pollers.push(poller);
    return poller;
  }

  /** Records every delivery as [body, ApproximateReceiveCount]. */
  function recorder() {
    const deliveries: [string, string][] = [];
    const events: SQSEvent[] = [];
    const contexts: Context[] = [];
    return {
      deliveries,
      events,
      contexts,
      note(event: SQSEvent, context: Context) {
        events.push(event);
        contexts.push(context);
        for (const record of event.Records) deliveries.push([record.body, record.attributes.ApproximateReceiveCount]);
      },
    };
  }

  it("deletes the whole batch when the handler succeeds, and builds records and context like Lambda", async () => {
    const { main } = await freshQueue();
    await client.send(
      new SendMessageCommand({
        QueueUrl: main.url,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: {
          kind: { DataType: "String", StringValue: "checkout.session.completed" },
          blob: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) },
          count: { DataType: "Number", StringValue: "7" },
        },
      }),
    );
    await send(main.url, "b", "c");
    const seen = recorder();
    const poller = poll(main, async (event, context) => {
      seen.note(event, context);
    });
    await waitUntil(() => poller.stats.succeeded === 3);
    expect(poller.stats.failed).toBe(0);
    await waitUntil(async () => (await counts(main.url)).visible + (await counts(main.url)).inFlight === 0);

    const record = seen.events.flatMap((event) => event.Records).find((r) => r.body === '{"hello":"world"}') as SQSRecord;
    expect(record).toEqual({
      messageId: expect.stringMatching(/\S/),
      receiptHandle: expect.stringMatching(/\S/),
      body: '{"hello":"world"}',
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.stringMatching(/\S/),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        kind: { stringValue: "checkout.session.completed", stringListValues: [], binaryListValues: [], dataType: "String" },
        blob: { binaryValue: Buffer.from([1, 2, 3]).toString("base64"), stringListValues: [], binaryListValues: [], dataType: "Binary" },
        count: { stringValue: "7", stringListValues: [], binaryListValues: [], dataType: "Number" },
      },
      md5OfBody: createHash("md5").update('{"hello":"world"}').digest("hex"),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: "aws:sqs",
      eventSourceARN: main.arn,
      awsRegion: "us-east-1",
    });
    const context = seen.contexts[0]!;
    expect(context.functionName).toBe("workers-order-events");
    expect(context.memoryLimitInMB).toBe("512");
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(5_000);
    expect(new Set(seen.contexts.map((c) => c.awsRequestId)).size).toBe(seen.contexts.length);
  });

  it("leaves only the reported failures, which return after the visibility timeout with a higher receive count", async () => {
    const { main } = await freshQueue();
    await send(main.url, "ok-1", "bad", "ok-2");
    const seen = recorder();
    const poller = poll(main, async (event, context): Promise<SQSBatchResponse> => {
      seen.note(event, context);
      const failures = event.Records.filter((r) => r.body === "bad" && r.attributes.ApproximateReceiveCount === "1");
      return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await waitUntil(() => seen.deliveries.some(([body, count]) => body === "bad" && count === "2"));
    await waitUntil(() => poller.stats.succeeded === 3);
    expect(seen.deliveries.filter(([body]) => body === "ok-1")).toEqual([["ok-1", "1"]]);
    expect(seen.deliveries.filter(([body]) => body === "ok-2")).toEqual([["ok-2", "1"]]);
    expect(seen.deliveries.filter(([body]) => body === "bad")).toEqual([
      ["bad", "1"],
      ["bad", "2"],
    ]);
    expect(poller.stats.failed).toBe(1);
  });

  it("lets a message that always fails land in the DLQ after maxReceiveCount receives", async () => {
    const { main, dlq } = await freshQueue();
    await send(main.url, "poison");
    const seen = recorder();
    poll(main, async (event, context) => {
      seen.note(event, context);
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    let dead: string[] = [];
    await waitUntil(async () => {
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1 }));
      dead = (Messages ?? []).map((m) => m.Body ?? "");
      return dead.length > 0;
    });
    expect(dead).toEqual(["poison"]);
    expect(seen.deliveries).toEqual([
      ["poison", "1"],
      ["poison", "2"],
      ["poison", "3"],
    ]);
  });

  it("redelivers the whole batch when the handler throws", async () => {
    const { main } = await freshQueue();
    await send(main.url, "a", "b", "c");
    const seen = recorder();
    let calls = 0;
    const poller = poll(main, async (event, context) => {
      seen.note(event, context);
      if (++calls === 1) throw new Error("boom");
    });
    await waitUntil(() => poller.stats.succeeded === 3);
    expect(seen.events[0]?.Records.map((r) => r.body).sort()).toEqual(["a", "b", "c"]);
    const redelivered = seen.deliveries.filter(([, count]) => count === "2").map(([body]) => body).sort();
    expect(redelivered).toEqual(["a", "b", "c"]);
    expect(poller.stats.failed).toBe(3);
  });

  it("retries the whole batch when a failure names an unknown itemIdentifier", async () => {
    const { main } = await freshQueue();
    await send(main.url, "x", "y");
    const seen = recorder();
    let calls = 0;
    const poller = poll(main, async (event, context) => {
      seen.note(event, context);
      return ++calls === 1 ? { batchItemFailures: [{ itemIdentifier: "not-a-message-of-this-batch" }] } : undefined;
    });
    await waitUntil(() => poller.stats.succeeded === 2);
    expect(seen.deliveries.filter(([, count]) => count === "2").map(([body]) => body).sort()).toEqual(["x", "y"]);
  });

  it("treats a timed-out invocation as failed", async () => {
    const { main } = await freshQueue();
    await send(main.url, "slow");
    const seen = recorder();
    const poller = poll(
      main,
      async (event, context) => {
        seen.note(event, context);
        if (event.Records[0]?.attributes.ApproximateReceiveCount === "1") await new Promise((resolve) => setTimeout(resolve, 3_000));
      },
      { timeoutSeconds: 1 },
    );
    await waitUntil(() => poller.stats.succeeded === 1);
    expect(seen.deliveries).toEqual([
      ["slow", "1"],
      ["slow", "2"],
    ]);
    expect(poller.stats.failed).toBe(1);
  });

  it("never exceeds the batch size, and fills batches beyond 10 within the batching window", async () => {
    // As AWS advises, the visibility timeout outlasts the batching window.
    const { main } = await freshQueue(30);
    await send(main.url, ...Array.from({ length: 15 }, (_, i) => `m${i}`));
    const sizes: number[] = [];
    const poller = poll(main, async (event) => void sizes.push(event.Records.length), { batchSize: 12, batchWindowSeconds: 1 });
    await waitUntil(() => poller.stats.succeeded === 15);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(12);
    expect(sizes).toEqual([12, 3]); // two receives (10 + 2) gathered into the first invocation

    const { main: small } = await freshQueue(30);
    await send(small.url, ...Array.from({ length: 7 }, (_, i) => `s${i}`));
    const smallSizes: number[] = [];
    const smallPoller = poll(small, async (event) => void smallSizes.push(event.Records.length), { batchSize: 3, concurrency: 2 });
    await waitUntil(() => smallPoller.stats.succeeded === 7);
    expect(Math.max(...smallSizes)).toBeLessThanOrEqual(3);
    expect(smallSizes.reduce((a, b) => a + b, 0)).toBe(7);
  });

  it("stop() waits for the in-flight batch, then deletes it", async () => {
    const { main } = await freshQueue();
    await send(main.url, "in-flight");
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let invoked = false;
    const poller = poll(main, async () => {
      invoked = true;
      await released;
    });
    await waitUntil(() => invoked);
    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(poller.stats).toEqual({ batches: 1, succeeded: 1, failed: 0 });
    expect(await counts(main.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it("stop() aborts an idle long poll instead of waiting it out", async () => {
    const { main } = await freshQueue();
    const poller = poll(main, async () => undefined, { waitTimeSeconds: 20, concurrency: 2 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const outcome = await Promise.race([poller.stop().then(() => "stopped"), new Promise((resolve) => setTimeout(() => resolve("still polling"), 10_000))]);
    expect(outcome).toBe("stopped");
    // A message sent now is not swallowed by the abandoned poll.
    await send(main.url, "after stop");
    const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: main.url, WaitTimeSeconds: 5 }));
    expect(Messages?.map((m) => m.Body)).toEqual(["after stop"]);
  });
});

describe("interpretResponse (AWS's partial batch response rules)", () => {
  const records = [{ messageId: "m1" }, { messageId: "m2" }] as SQSRecord[];

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["an empty object", {}],
    ["an empty list", { batchItemFailures: [] }],
    ["a null list", { batchItemFailures: null }],
  ])("treats %s as complete success", (_label, response) => {
    expect(interpretResponse(response, records)).toEqual({ kind: "success" });
  });

  it("reports only the named failures", () => {
    expect(interpretResponse({ batchItemFailures: [{ itemIdentifier: "m2" }] }, records)).toEqual({ kind: "partial", failedIds: new Set(["m2"]) });
  });

  it.each([
    ["an empty itemIdentifier", { batchItemFailures: [{ itemIdentifier: "" }] }],
    ["a null itemIdentifier", { batchItemFailures: [{ itemIdentifier: null }] }],
    ["a wrongly named key", { batchItemFailures: [{ messageId: "m1" }] }],
    ["an unknown message id", { batchItemFailures: [{ itemIdentifier: "m1" }, { itemIdentifier: "zzz" }] }],
    ["a list that is not a list", { batchItemFailures: "m1" }],
    ["a response that is not an object", "ok"],
  ])("treats %s as complete failure", (_label, response) => {
    expect(interpretResponse(response, records).kind).toBe("failure");
  });
});
