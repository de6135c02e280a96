// The timeline on DynamoDB Local: appending is idempotent per entry id (the conditional put is
// the whole guarantee), reading returns the order's entries only, oldest first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import type { OrderEvent } from "./order-event";
import { appendTimelineEntry, readTimeline, recordOnTimeline, timelineEntriesFor } from "./order-timeline";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const orderId = (n: number) => `ord_${String(n).padStart(26, "0")}`;

describe("order timeline", () => {
  it("appends an entry once however often it is appended", async () => {
    const entry = { orderId: orderId(1), entryId: "ord_1:OrderPlaced:v1:placed", kind: "placed" as const, at: "2030-01-01T12:00:00.000Z" };
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => appendTimelineEntry(u.store, entry)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    // A retry that computed a different time for the same entry still adds nothing.
    expect(await appendTimelineEntry(u.store, { ...entry, at: "2030-01-01T12:09:00.000Z" })).toBe(false);
    expect(await readTimeline(u.store, orderId(1))).toEqual([{ kind: "placed", at: "2030-01-01T12:00:00.000Z" }]);
  });

  it("reads one order's entries oldest first, with their details", async () => {
    const id = orderId(2);
    await appendTimelineEntry(u.store, { orderId: id, entryId: "c", kind: "confirmed", at: "2030-01-01T12:01:00.000Z" });
    await appendTimelineEntry(u.store, { orderId: id, entryId: "e", kind: "email_sent", at: "2030-01-01T12:01:02Z", detail: { subject: "Your receipt" } });
    await appendTimelineEntry(u.store, { orderId: id, entryId: "p", kind: "payment_received", at: "2030-01-01T12:01:00.000Z" });
    await appendTimelineEntry(u.store, { orderId: id, entryId: "a", kind: "placed", at: "2030-01-01T12:00:00.500Z" });
    await appendTimelineEntry(u.store, { orderId: orderId(3), entryId: "x", kind: "placed", at: "2030-01-01T11:00:00.000Z" });
    expect(await readTimeline(u.store, id)).toEqual([
      { kind: "placed", at: "2030-01-01T12:00:00.500Z" },
      { kind: "payment_received", at: "2030-01-01T12:01:00.000Z" },
      { kind: "confirmed", at: "2030-01-01T12:01:00.000Z" },
      { kind: "email_sent", at: "2030-01-01T12:01:02Z", detail: { subject: "Your receipt" } },
    ]);
  });

  it("is empty for an order with no entries, and refuses an entry of an unknown kind", async () => {
    expect(await readTimeline(u.store, orderId(4))).toEqual([]);
    await expect(appendTimelineEntry(u.store, { orderId: orderId(4), entryId: "z", kind: "shipped" as never, at: "2030-01-01T12:00:00.000Z" })).rejects.toThrow();
  });
});

describe("an order event on the timeline", () => {
  const base = {
    version: 1 as const,
    occurredAt: "2030-01-01T12:00:00.000Z",
    orderId: orderId(10),
    email: "a@example.com",
    items: [{ productId: "mug", name: "Mug", unitPriceCents: 1200, quantity: 2 }],
    totalCents: 2400,
    currency: "usd",
  };

  it("records placed, payment received and confirmed, cancelled with its reason, refunded; each once", async () => {
    const events: OrderEvent[] = [
      { ...base, id: `${base.orderId}:OrderPlaced:v1`, type: "OrderPlaced" },
      { ...base, id: `${base.orderId}:OrderConfirmed:v1`, type: "OrderConfirmed", occurredAt: "2030-01-01T12:01:00.000Z", paymentIntentId: "pi_1", checkoutSessionId: "cs_1" },
      { ...base, id: `${base.orderId}:OrderRefunded:v1`, type: "OrderRefunded", occurredAt: "2030-01-02T09:00:00.000Z", paymentIntentId: "pi_1" },
    ];
    expect(await Promise.all(events.map((event) => recordOnTimeline(u.store, event)))).toEqual([1, 2, 1]);
    expect(await Promise.all(events.map((event) => recordOnTimeline(u.store, structuredClone(event))))).toEqual([0, 0, 0]);
    expect(await readTimeline(u.store, base.orderId)).toEqual([
      { kind: "placed", at: "2030-01-01T12:00:00.000Z", detail: { totalCents: 2400, currency: "usd" } },
      { kind: "payment_received", at: "2030-01-01T12:01:00.000Z", detail: { amountCents: 2400, currency: "usd" } },
      { kind: "confirmed", at: "2030-01-01T12:01:00.000Z" },
      { kind: "refunded", at: "2030-01-02T09:00:00.000Z", detail: { amountCents: 2400, currency: "usd" } },
    ]);
    const cancelled: OrderEvent = { ...base, orderId: orderId(11), id: `${orderId(11)}:OrderCancelled:v1`, type: "OrderCancelled", reason: "async_payment_failed" };
    expect(timelineEntriesFor(cancelled)).toEqual([
      { orderId: orderId(11), entryId: `${orderId(11)}:OrderCancelled:v1:cancelled`, kind: "cancelled", at: base.occurredAt, detail: { reason: "async_payment_failed" } },
    ]);
  });
});
