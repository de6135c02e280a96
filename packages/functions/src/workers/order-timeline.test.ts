// The timeline consumer on SQS batches of bus envelopes: each event's entries appended once
// however often the message comes (and logged as recorded or already there), and a poison message
// failing alone (partial batch response), counted and logged, also when it is the whole batch.
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { readTimeline } from "@shopwave/core/order-events/order-timeline";
import { captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { envelopeOf, orderEvent, sqsRecordOf } from "../../../../test/support/order-event-messages";

let h: HandlerHarness;
let consumer: (typeof import("./order-timeline"))["handler"];
let out: ReturnType<typeof captureOutput>;
beforeAll(async () => {
  h = await startHandlerHarness();
  ({ handler: consumer } = await h.load(() => import("./order-timeline")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const run = (...bodies: string[]) => consumer({ Records: bodies.map((body) => sqsRecordOf(body)) } satisfies SQSEvent, lambdaContext("order-timeline"));

describe("the order timeline consumer", () => {
  it("records each event once, whatever the redeliveries", async () => {
    const placed = orderEvent("OrderPlaced", { occurredAt: "2030-01-01T12:00:00.000Z" });
    const confirmed = orderEvent("OrderConfirmed", { orderId: placed.orderId, occurredAt: "2030-01-01T12:02:00.000Z" });
    expect(await run(envelopeOf(confirmed), envelopeOf(placed), envelopeOf(confirmed))).toEqual({ batchItemFailures: [] });
    expect(await run(envelopeOf(placed))).toEqual({ batchItemFailures: [] });
    expect((await readTimeline(h.u.store, placed.orderId)).map((entry) => entry.kind)).toEqual(["placed", "payment_received", "confirmed"]);
    // Nothing failed: no failure counted (the alarm's metric), no warning.
    expect(out.metrics()).toEqual({});
    expect(out.printed.filter((line) => line.level === "WARN")).toEqual([]);
  });

  it("logs whether a delivery recorded the event or found it already there", async () => {
    const confirmed = orderEvent("OrderConfirmed");
    const first = sqsRecordOf(envelopeOf(confirmed));
    const again = sqsRecordOf(envelopeOf(confirmed), 2);
    expect(await consumer({ Records: [first] }, lambdaContext("order-timeline"))).toEqual({ batchItemFailures: [] });
    expect(await consumer({ Records: [again] }, lambdaContext("order-timeline"))).toEqual({ batchItemFailures: [] });
    const fields = { orderId: confirmed.orderId, eventId: confirmed.id, eventType: "OrderConfirmed" };
    expect(out.logged("order event recorded on the timeline")).toEqual([expect.objectContaining({ ...fields, messageId: first.messageId })]);
    expect(out.logged("order event already on the timeline")).toEqual([expect.objectContaining({ ...fields, messageId: again.messageId })]);
  });

  it("fails a message that is not an order event alone, and counts it", async () => {
    const cancelled = orderEvent("OrderCancelled");
    const poison = sqsRecordOf(JSON.stringify({ source: "shopwave.orders", "detail-type": "OrderShipped", detail: {} }));
    const response = await consumer({ Records: [sqsRecordOf(envelopeOf(cancelled)), poison, sqsRecordOf("not json")] }, lambdaContext("order-timeline"));
    expect(response.batchItemFailures).toHaveLength(2);
    expect(response.batchItemFailures[0]).toEqual({ itemIdentifier: poison.messageId });
    expect(out.metrics().OrderTimelineFailures).toBe(2);
    expect(await readTimeline(h.u.store, cancelled.orderId)).toEqual([{ kind: "cancelled", at: cancelled.occurredAt, detail: { reason: "checkout_session_expired" } }]);
  });

  it("hands every record of a batch that failed whole back for retry, and counts and logs it", async () => {
    const lone = sqsRecordOf("not json");
    // Answered (not thrown): Lambda retries the records named, and the failure shows on the alarm.
    expect(await consumer({ Records: [lone] }, lambdaContext("order-timeline"))).toEqual({ batchItemFailures: [{ itemIdentifier: lone.messageId }] });
    expect(out.metrics()).toEqual({ OrderTimelineFailures: 1 });
    expect(out.logged("some order events were not recorded on the timeline and will be retried")).toEqual([
      expect.objectContaining({ level: "WARN", failed: [lone.messageId] }),
    ]);
  });
});
