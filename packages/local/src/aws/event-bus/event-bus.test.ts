import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueues, startLocalSqs, type LocalSqs } from "../sqs-local";
import { entrySize, startLocalEventBus, type EventEnvelope, type LocalEventBus } from "./event-bus";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };
let sqs: LocalSqs;
let sqsClient: SQSClient;
let bus: LocalEventBus;
let events: EventBridgeClient;
const queueUrls: Record<string, string> = {};

beforeAll(async () => {
  sqs = await startLocalSqs({ port: 0 });
  sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: "us-east-1", credentials });
  for (const name of ["Emails", "Timeline", "Counters", "Audit"]) {
    const created = await createQueues(
      sqsClient,
      [{ resource: name, visibilityTimeoutSeconds: 30, deadLetter: { resource: `${name}Dlq`, maxReceiveCount: 5 }, consumer: undefined as never }],
      (resource) => `bus-test-${resource}`,
    );
    queueUrls[name] = created[name]!.url;
  }
  bus = await startLocalEventBus({
    sqs: sqsClient,
    port: 0,
    buses: [
      {
        name: "shop-bus",
        rules: [
          { name: "emails", eventPattern: { source: ["shop.orders"], "detail-type": ["OrderConfirmed", "OrderCancelled"] }, targets: [{ id: "emails", queueUrl: queueUrls.Emails! }] },
          {
            name: "everything-about-orders",
            eventPattern: { source: [{ prefix: "shop." }] },
            targets: [
              { id: "timeline", queueUrl: queueUrls.Timeline! },
              { id: "audit", queueUrl: queueUrls.Audit! },
            ],
          },
          { name: "big-sales", eventPattern: { "detail-type": ["OrderConfirmed"], detail: { totalCents: [{ numeric: [">=", 10_000] }] } }, targets: [{ id: "counters", queueUrl: queueUrls.Counters! }] },
        ],
      },
    ],
  });
  // As a handler's client is configured: the SDK's own endpoint variable would do the same.
  events = new EventBridgeClient({ endpoint: bus.endpoint, region: "us-east-1", credentials });
});
afterAll(async () => {
  events.destroy();
  await bus.stop();
  sqsClient.destroy();
  await sqs.stop();
});

async function drain(queue: string): Promise<EventEnvelope[]> {
  const received: EventEnvelope[] = [];
  for (;;) {
    const { Messages } = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrls[queue], MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }));
    if (!Messages?.length) return received;
    received.push(...Messages.map((message) => JSON.parse(message.Body!) as EventEnvelope));
  }
}

describe("the local event bus", () => {
  it("accepts PutEvents from the current SDK and delivers the EventBridge envelope to every matching rule's targets", async () => {
    const time = new Date("2026-11-30T10:00:00.000Z");
    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: "shop-bus", Source: "shop.orders", DetailType: "OrderConfirmed", Detail: JSON.stringify({ orderId: "ord_1", totalCents: 12_500 }), Time: time, Resources: ["arn:shop:order/ord_1"] },
          { EventBusName: "shop-bus", Source: "shop.orders", DetailType: "OrderPlaced", Detail: JSON.stringify({ orderId: "ord_2", totalCents: 500 }) },
          { EventBusName: "shop-bus", Source: "other.app", DetailType: "OrderConfirmed", Detail: JSON.stringify({ orderId: "x", totalCents: 1 }) },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toEqual([{ EventId: expect.any(String) }, { EventId: expect.any(String) }, { EventId: expect.any(String) }]);
    await bus.whenDelivered();

    const emails = await drain("Emails");
    expect(emails).toEqual([
      {
        version: "0",
        id: result.Entries![0]!.EventId,
        "detail-type": "OrderConfirmed",
        source: "shop.orders",
        account: "000000000000",
        time: "2026-11-30T10:00:00Z",
        region: "us-east-1",
        resources: ["arn:shop:order/ord_1"],
        detail: { orderId: "ord_1", totalCents: 12_500 },
      },
    ]);
    // Key order as EventBridge writes it.
    expect(Object.keys(emails[0]!)).toEqual(["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]);
    expect((await drain("Timeline")).map((event) => event.detail)).toEqual([
      { orderId: "ord_1", totalCents: 12_500 },
      { orderId: "ord_2", totalCents: 500 },
    ]);
    expect((await drain("Audit")).map((event) => event.id)).toEqual([result.Entries![0]!.EventId, result.Entries![1]!.EventId]);
    expect((await drain("Counters")).map((event) => event.id)).toEqual([result.Entries![0]!.EventId]);
  });

  it("answers per-entry errors as EventBridge does, delivering the valid entries of the request", async () => {
    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: "shop-bus", Source: "shop.orders", DetailType: "OrderCancelled", Detail: "{not json" },
          { EventBusName: "shop-bus", Source: "shop.orders", DetailType: "OrderCancelled", Detail: "[1]" },
          { EventBusName: "shop-bus", DetailType: "OrderCancelled", Detail: "{}" },
          { EventBusName: "no-such-bus", Source: "shop.orders", DetailType: "OrderCancelled", Detail: "{}" },
          { EventBusName: "arn:aws:events:us-east-1:000000000000:event-bus/shop-bus", Source: "shop.orders", DetailType: "OrderCancelled", Detail: '{"orderId":"ord_3"}' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(4);
    expect(result.Entries).toEqual([
      { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
      { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
      { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter Source is not valid. Reason: Source is a required argument." },
      { ErrorCode: "InvalidArgument", ErrorMessage: "Event bus no-such-bus does not exist." },
      { EventId: expect.any(String) },
    ]);
    await bus.whenDelivered();
    expect((await drain("Emails")).map((event) => event.detail)).toEqual([{ orderId: "ord_3" }]);
    await drain("Timeline");
    await drain("Audit");
  });

  it("refuses more than 10 entries, none, and a request over the size limit, with a ValidationException", async () => {
    const entry = { EventBusName: "shop-bus", Source: "shop.orders", DetailType: "OrderPlaced", Detail: "{}" };
    const validation = (message: RegExp) => expect.objectContaining({ name: "ValidationException", message: expect.stringMatching(message), $metadata: expect.objectContaining({ httpStatusCode: 400 }) });
    await expect(events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) }))).rejects.toEqual(validation(/length less than or equal to 10/));
    await expect(events.send(new PutEventsCommand({ Entries: [] }))).rejects.toEqual(validation(/length greater than or equal to 1/));
    const big = JSON.stringify({ blob: "x".repeat(1024 * 1024) });
    await expect(events.send(new PutEventsCommand({ Entries: [{ ...entry, Detail: big }] }))).rejects.toEqual(validation(/^Total size of the entries in the request is over the limit\.$/));
    await bus.whenDelivered();
    expect(await drain("Timeline")).toEqual([]);
  });

  it("is reached by an SDK client configured only by AWS_ENDPOINT_URL_EVENTBRIDGE, as handlers are", async () => {
    const previous = process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
    const fromEnv = new EventBridgeClient({ region: "us-east-1", credentials });
    try {
      const result = await fromEnv.send(new PutEventsCommand({ Entries: [{ EventBusName: "shop-bus", Source: "shop.orders", DetailType: "OrderRefunded", Detail: '{"orderId":"ord_4"}' }] }));
      expect(result.FailedEntryCount).toBe(0);
      await bus.whenDelivered();
      expect((await drain("Timeline")).map((event) => event["detail-type"])).toEqual(["OrderRefunded"]);
      await drain("Audit");
    } finally {
      fromEnv.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
      else process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = previous;
    }
  });

  it("sizes entries as AWS documents (Time 14 bytes, UTF-8 bytes of the strings)", () => {
    expect(entrySize({ Source: "é", DetailType: "ab", Detail: "{}", Resources: ["r1", "r2"], Time: 1 })).toBe(14 + 2 + 2 + 2 + 4);
    expect(entrySize({ Source: "a", DetailType: "b", Detail: "{}" })).toBe(4);
  });

  it("refuses an unsupported operation, and a rule whose pattern EventBridge would refuse", async () => {
    const response = await fetch(bus.endpoint, { method: "POST", headers: { "x-amz-target": "AWSEvents.PutRule", "content-type": "application/x-amz-json-1.1" }, body: "{}" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: "UnknownOperationException" });
    await expect(startLocalEventBus({ sqs: sqsClient, buses: [{ name: "b", rules: [{ name: "bad", eventPattern: { source: "x" }, targets: [] }] }] })).rejects.toThrow(/Rule bad on bus b/);
  });
});
