// The sales counters' consumer on SQS batches of bus envelopes: a confirmation counted once
// however often it is delivered (also within one batch; the log says which delivery counted it),
// refunds counted apart, and a poison message failing alone (partial batch response), counted and logged.
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { readSalesCounters } from "@shopwave/core/order-events/sales-counters";
import { captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { envelopeOf, orderEvent, sqsRecordOf } from "../../../../test/support/order-event-messages";

let h: HandlerHarness;
let consumer: (typeof import("./sales-counters"))["handler"];
let out: ReturnType<typeof captureOutput>;
beforeAll(async () => {
  h = await startHandlerHarness();
  ({ handler: consumer } = await h.load(() => import("./sales-counters")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const run = (...bodies: string[]) => consumer({ Records: bodies.map((body) => sqsRecordOf(body)) } satisfies SQSEvent, lambdaContext("sales-counters"));

describe("the sales counters consumer", () => {
  it("counts a confirmation once however often it comes, and a refund apart", async () => {
    const productId = `counted-${Math.random().toString(36).slice(2, 8)}`;
    const confirmed = orderEvent("OrderConfirmed", { productId, quantity: 3, unitPriceCents: 2000 });
    const other = orderEvent("OrderConfirmed", { productId, quantity: 1, unitPriceCents: 2000 });
    const placed = orderEvent("OrderPlaced", { productId });
    const refunded = orderEvent("OrderRefunded", { orderId: other.orderId, productId, quantity: 1, unitPriceCents: 2000 });
    expect(await run(envelopeOf(confirmed), envelopeOf(other), envelopeOf(confirmed), envelopeOf(placed))).toEqual({ batchItemFailures: [] });
    expect(await run(envelopeOf(confirmed), envelopeOf(refunded))).toEqual({
      batchItemFailures: [],
    });
    expect((await readSalesCounters(h.u.store, productId)).total).toEqual({ unitsSold: 4, revenueCents: 8000, unitsRefunded: 1, refundedCents: 2000 });
    // Nothing failed: no failure counted, no warning. The log says which delivery counted each
    // event (records go one after another, in batch order) and which found it already counted.
    expect(out.metrics()).toEqual({});
    expect(out.printed.filter((line) => line.level === "WARN")).toEqual([]);
    expect(out.logged("order event counted").map((line) => line.eventId)).toEqual([confirmed.id, other.id, placed.id, refunded.id]);
    expect(out.logged("order event counted")[3]).toMatchObject({ orderId: other.orderId, eventType: "OrderRefunded", messageId: expect.any(String) });
    expect(out.logged("order event already counted")).toEqual([
      expect.objectContaining({ orderId: confirmed.orderId, eventId: confirmed.id, eventType: "OrderConfirmed" }),
      expect.objectContaining({ orderId: confirmed.orderId, eventId: confirmed.id, eventType: "OrderConfirmed" }),
    ]);
  });

  it("fails a poison message alone, and counts it", async () => {
    const productId = `poisoned-${Math.random().toString(36).slice(2, 8)}`;
    const poison = sqsRecordOf(JSON.stringify({ source: "shopwave.orders", "detail-type": "OrderConfirmed", detail: { id: "x", version: 2 } }));
    const good = sqsRecordOf(envelopeOf(orderEvent("OrderConfirmed", { productId })));
    expect(await consumer({ Records: [poison, good] }, lambdaContext("sales-counters"))).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    expect(out.metrics().SalesCounterFailures).toBe(1);
    expect(out.logged("some sales were not counted and will be retried")).toEqual([expect.objectContaining({ level: "WARN", failed: [poison.messageId] })]);
    expect((await readSalesCounters(h.u.store, productId)).total.unitsSold).toBe(1);
  });
});
