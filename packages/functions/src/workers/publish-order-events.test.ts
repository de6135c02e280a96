// The outbox publisher on stream batches as Lambda's stream event source mapping delivers them
// (images in DynamoDB JSON), against a recording EventBridge endpoint speaking PutEvents' wire
// protocol that can refuse chosen entries or fail whole calls: each transition's event on the bus
// in stream order, ≤ 10 per call (and no empty call), and on a refusal (named or not), a derivation
// failure or an outage, the partial batch response names the first unpublished record so Lambda
// retries from there, and the log says which event and why.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OrderRecord } from "@shopwave/core/orders/order";
import { captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { pendingOrderRecord, testProduct } from "../../../../test/support/unit-store";

interface PutEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
}

/**
 * A PutEvents endpoint (AWS JSON 1.1, `AWSEvents.PutEvents`) recording every accepted entry.
 * `unnamedFailure`: the next call accepts nothing and answers a failure count without naming the
 * entry (its Entries left out, or empty).
 */
function startRecordingBus() {
  const accepted: PutEntry[] = [];
  const calls: number[] = [];
  const behaviour = { refuseOrders: new Set<string>(), failCalls: 0, unnamedFailure: undefined as "omitted" | "empty" | undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = req.headers["x-amz-target"];
      if (target !== "AWSEvents.PutEvents") {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        return res.end(JSON.stringify({ __type: "UnknownOperationException", message: String(target) }));
      }
      if (behaviour.failCalls > 0) {
        behaviour.failCalls--;
        res.writeHead(500, { "content-type": "application/x-amz-json-1.1" });
        return res.end(JSON.stringify({ __type: "InternalException", message: "bus unavailable" }));
      }
      const { Entries } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { Entries: PutEntry[] };
      calls.push(Entries.length);
      if (behaviour.unnamedFailure) {
        const answer = { FailedEntryCount: Entries.length, ...(behaviour.unnamedFailure === "empty" ? { Entries: [] } : {}) };
        behaviour.unnamedFailure = undefined;
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        return res.end(JSON.stringify(answer));
      }
      const results = Entries.map((entry, index) => {
        const orderId = (JSON.parse(entry.Detail) as { orderId: string }).orderId;
        if (behaviour.refuseOrders.has(orderId)) return { ErrorCode: "InternalFailure", ErrorMessage: "refused for the test" };
        accepted.push(entry);
        return { EventId: `evt-${accepted.length}-${index}` };
      });
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify({ FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results }));
    });
  });
  return new Promise<{ url: string; accepted: PutEntry[]; calls: number[]; behaviour: typeof behaviour; stop(): Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        accepted,
        calls,
        behaviour,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

let h: HandlerHarness;
let bus: Awaited<ReturnType<typeof startRecordingBus>>;
let publisher: (typeof import("./publish-order-events"))["handler"];
let out: ReturnType<typeof captureOutput>;
beforeAll(async () => {
  h = await startHandlerHarness();
  bus = await startRecordingBus();
  ({ handler: publisher } = await h.load(() => import("./publish-order-events"), {
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
    SST_RESOURCE_OrderEventsBus: JSON.stringify({ name: "unit-order-events", arn: "arn:aws:events:us-east-1:123456789012:event-bus/unit-order-events", type: "sst.aws.Bus" }),
    AWS_MAX_ATTEMPTS: "1",
  }));
});
afterAll(async () => {
  await bus?.stop();
  await h?.stop();
});
beforeEach(() => {
  out = captureOutput();
  bus.accepted.length = 0;
  bus.calls.length = 0;
  bus.behaviour.refuseOrders.clear();
  bus.behaviour.failCalls = 0;
  bus.behaviour.unnamedFailure = undefined;
});
afterEach(() => vi.restoreAllMocks());

const product = testProduct({ priceCents: 1500 });
let sequence = 1000;
function streamRecord(eventName: "INSERT" | "MODIFY" | "REMOVE", oldImage?: object, newImage?: object): DynamoDBRecord {
  return {
    eventID: `e${sequence}`,
    eventName,
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    dynamodb: {
      Keys: { id: { S: String((newImage ?? oldImage) && ((newImage ?? oldImage) as { id: string }).id) } },
      SequenceNumber: String(++sequence),
      StreamViewType: "NEW_AND_OLD_IMAGES",
      ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) as never } : {}),
      ...(newImage ? { NewImage: marshall(newImage, { removeUndefinedValues: true }) as never } : {}),
    },
  };
}

function pending(): OrderRecord {
  return { ...pendingOrderRecord(h.u.store, { lines: [{ product, quantity: 2 }], expiresAt: 1_900_000_000 }).record, checkoutSessionId: "cs_test_1" };
}
const confirmed = (order: OrderRecord): OrderRecord => ({ ...order, status: "CONFIRMED", paymentIntentId: "pi_1", updatedAt: "2030-01-01T12:01:00.000Z", pendingShard: undefined });
const placedRecord = (order: OrderRecord) => streamRecord("INSERT", undefined, order);
const run = (...records: DynamoDBRecord[]) => publisher({ Records: records } satisfies DynamoDBStreamEvent, lambdaContext("publish-order-events"));
const published = () => bus.accepted.map((entry) => ({ ...entry, Detail: JSON.parse(entry.Detail) as { id: string; type: string; orderId: string } }));

describe("the order events publisher", () => {
  it("puts each transition's event on the bus in stream order, and nothing for other writes", async () => {
    const order = pending();
    const attached = { ...order, checkoutUrl: "https://pay.example/x" };
    const response = await run(
      placedRecord(order),
      streamRecord("MODIFY", order, attached),
      streamRecord("MODIFY", attached, confirmed(attached)),
      streamRecord("REMOVE", confirmed(attached)),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(published().map((entry) => [entry.EventBusName, entry.Source, entry.DetailType, entry.Detail.id])).toEqual([
      ["unit-order-events", "shopwave.orders", "OrderPlaced", `${order.id}:OrderPlaced:v1`],
      ["unit-order-events", "shopwave.orders", "OrderConfirmed", `${order.id}:OrderConfirmed:v1`],
    ]);
    expect(published()[1]!.Detail).toMatchObject({ type: "OrderConfirmed", paymentIntentId: "pi_1", totalCents: 3000 });
    expect(out.metrics().OrderEventsPublished).toBe(2);
  });

  it("puts at most 10 entries per PutEvents call", async () => {
    const records = Array.from({ length: 23 }, () => placedRecord(pending()));
    expect(await run(...records)).toEqual({ batchItemFailures: [] });
    expect(bus.calls).toEqual([10, 10, 3]);
    expect(bus.accepted).toHaveLength(23);
    // Exactly ten: one call, and no empty one after it (PutEvents refuses an empty Entries list).
    bus.calls.length = 0;
    expect(await run(...records.slice(0, 10))).toEqual({ batchItemFailures: [] });
    expect(bus.calls).toEqual([10]);
  });

  it("makes no PutEvents call for a batch of writes that are no transition", async () => {
    const order = pending();
    const attached = { ...order, checkoutUrl: "https://pay.example/x" };
    expect(await run(streamRecord("MODIFY", order, attached), streamRecord("REMOVE", attached))).toEqual({ batchItemFailures: [] });
    // An empty call would be refused by the bus, and the stream would retry the batch forever.
    expect(bus.calls).toEqual([]);
    expect(out.metrics()).toEqual({});
  });

  it("reports the first entry the bus refused, so Lambda retries from it, and puts nothing after it", async () => {
    const orders = Array.from({ length: 14 }, () => pending());
    bus.behaviour.refuseOrders.add(orders[4]!.id);
    const records = orders.map(placedRecord);
    const response = await run(...records);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[4]!.dynamodb!.SequenceNumber }] });
    // The first call went out whole (the bus accepted the others in it); the second was not sent.
    expect(bus.calls).toEqual([10]);
    expect(out.metrics()).toEqual({ OrderEventsPublished: 4, OrderEventsPublishFailures: 1 });
    // What the bus said about which event, for the operator.
    expect(out.logged("the bus refused some order events: retrying from the first")).toEqual([
      expect.objectContaining({ level: "WARN", failedEntryCount: 1, eventId: `${orders[4]!.id}:OrderPlaced:v1`, errorCode: "InternalFailure", errorMessage: "refused for the test" }),
    ]);
    // The retry from there publishes the rest (and the ones after the refused entry in its call again: consumers dedupe on the id).
    bus.behaviour.refuseOrders.clear();
    expect(await run(...records.slice(4))).toEqual({ batchItemFailures: [] });
    expect(new Set(published().map((entry) => entry.Detail.id)).size).toBe(14);
  });

  it("reports the first record of a call that failed outright", async () => {
    const records = Array.from({ length: 12 }, () => placedRecord(pending()));
    bus.behaviour.failCalls = 1;
    expect(await run(...records)).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }] });
    expect(bus.accepted).toEqual([]);
    expect(out.logged("PutEvents failed: retrying the batch from its first unpublished record")).toEqual([
      expect.objectContaining({ level: "WARN", eventId: `${(records[0]!.dynamodb!.NewImage as { id: { S: string } }).id.S}:OrderPlaced:v1`, error: expect.objectContaining({ message: expect.any(String) }) }),
    ]);
  });

  it.each(["omitted", "empty"] as const)("retries from a call's first record when the bus counts a failure without naming the entry (Entries %s)", async (how) => {
    const records = Array.from({ length: 3 }, () => placedRecord(pending()));
    bus.behaviour.unnamedFailure = how;
    expect(await run(...records)).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }] });
    // Nothing counted as published; the refusal (not an outage) logged with the event it retries from.
    expect(out.metrics()).toMatchObject({ OrderEventsPublished: 0, OrderEventsPublishFailures: 1 });
    expect(out.logged("PutEvents failed: retrying the batch from its first unpublished record")).toEqual([]);
    expect(out.logged("the bus refused some order events: retrying from the first")).toEqual([
      expect.objectContaining({ failedEntryCount: 3, eventId: `${(records[0]!.dynamodb!.NewImage as { id: { S: string } }).id.S}:OrderPlaced:v1` }),
    ]);
  });

  it("publishes up to a record it cannot derive an event from, and reports that record", async () => {
    const good = pending();
    const corrupt = pending();
    const records = [placedRecord(good), streamRecord("MODIFY", corrupt, { ...corrupt, status: "CONFIRMED" }), placedRecord(pending())];
    expect(await run(...records)).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }] });
    expect(published().map((entry) => entry.Detail.orderId)).toEqual([good.id]);
    expect(out.logged("cannot derive an order event from this change: retried, then sent to the failure destination")).toEqual([
      expect.objectContaining({ orderId: corrupt.id, sequenceNumber: records[1]!.dynamodb!.SequenceNumber }),
    ]);
  });
});
