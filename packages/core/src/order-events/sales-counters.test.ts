// Sales counters on DynamoDB Local: a confirmation counts its lines per product in its minute and
// in the total, a refund counts as refunded, every order event counts in the shop's orders per
// minute, and an event delivered many times (also at once) counts once: the marker's conditional
// put and the increments share one transaction.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import type { OrderEvent } from "./order-event";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { minuteOf, readOrderCounts, readSalesCounters, recordSale, SALES_MARKER_TTL_SECONDS } from "./sales-counters";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const now = new Date("2030-01-01T12:00:00.000Z");
let n = 0;
function event(type: "OrderPlaced" | "OrderConfirmed" | "OrderRefunded" | "OrderCancelled", occurredAt: string, lines: [string, number, number][]): OrderEvent {
  const orderId = `ord_${String(++n).padStart(26, "0")}`;
  const items = lines.map(([productId, quantity, unitPriceCents]) => ({ productId, name: productId, quantity, unitPriceCents }));
  const base = {
    id: `${orderId}:${type}:v1`,
    version: 1 as const,
    occurredAt,
    orderId,
    email: "a@example.com",
    items,
    totalCents: items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
    currency: "usd",
  };
  switch (type) {
    case "OrderConfirmed":
      return { ...base, type, paymentIntentId: "pi_1", checkoutSessionId: "cs_1" };
    case "OrderRefunded":
      return { ...base, type, paymentIntentId: "pi_1" };
    case "OrderCancelled":
      return { ...base, type, reason: "checkout_session_expired" };
    case "OrderPlaced":
      return { ...base, type };
  }
}

describe("sales counters", () => {
  it("counts a confirmation per product, in its minute and in the total", async () => {
    await recordSale(u.store, event("OrderConfirmed", "2030-01-01T12:00:10.000Z", [["lamp", 2, 1000], ["mug", 1, 500], ["lamp", 1, 1000]]), now);
    await recordSale(u.store, event("OrderConfirmed", "2030-01-01T12:00:59.999Z", [["lamp", 1, 1000]]), now);
    await recordSale(u.store, event("OrderConfirmed", "2030-01-01T12:03:00.000Z", [["lamp", 4, 1000]]), now);
    const lamp = await readSalesCounters(u.store, "lamp");
    expect(lamp.currency).toBe("usd");
    expect(lamp.total).toEqual({ unitsSold: 8, revenueCents: 8000, unitsRefunded: 0, refundedCents: 0 });
    expect(lamp.minutes).toEqual([
      { minute: "2030-01-01T12:00Z", unitsSold: 4, revenueCents: 4000, unitsRefunded: 0, refundedCents: 0 },
      { minute: "2030-01-01T12:03Z", unitsSold: 4, revenueCents: 4000, unitsRefunded: 0, refundedCents: 0 },
    ]);
    expect((await readSalesCounters(u.store, "mug")).total.unitsSold).toBe(1);
    const window = await readSalesCounters(u.store, "lamp", { from: "2030-01-01T12:01:00.000Z", to: "2030-01-01T12:05:00.000Z" });
    expect(window.minutes.map((m) => m.minute)).toEqual(["2030-01-01T12:03Z"]);
  });

  it("keeps each event's once-only marker until DynamoDB's TTL removes it, 35 days after it was counted", async () => {
    const confirmed = event("OrderConfirmed", "2030-01-01T14:00:00.000Z", [["ttl-marker-urn", 1, 900]]);
    await recordSale(u.store, confirmed, now);
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.salesCounters, Key: { pk: `event#${confirmed.id}`, sk: "applied" } }));
    expect(Item).toEqual({ pk: `event#${confirmed.id}`, sk: "applied", orderId: confirmed.orderId, expiresAt: now.getTime() / 1000 + SALES_MARKER_TTL_SECONDS });
    expect(SALES_MARKER_TTL_SECONDS).toBe(35 * 24 * 60 * 60);
  });

  it("lets an outage through as it is, not as an event already counted", async () => {
    const outage = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const down = { ...u.store, db: { send: () => Promise.reject(outage) } as unknown as typeof u.store.db };
    await expect(recordSale(down, event("OrderConfirmed", "2030-01-01T14:01:00.000Z", [["ttl-marker-urn", 1, 900]]), now)).rejects.toBe(outage);
  });

  it("counts an event once however often, and however concurrently, it is delivered", async () => {
    const confirmed = event("OrderConfirmed", "2030-01-01T13:00:00.000Z", [["kettle", 3, 2500]]);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => recordSale(u.store, structuredClone(confirmed), now)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await recordSale(u.store, confirmed, now)).toBe(false);
    expect((await readSalesCounters(u.store, "kettle")).total).toEqual({ unitsSold: 3, revenueCents: 7500, unitsRefunded: 0, refundedCents: 0 });
  });

  it("counts refunds apart, and placements and cancellations in no product's sales", async () => {
    await recordSale(u.store, event("OrderConfirmed", "2030-01-01T14:00:00.000Z", [["vase", 2, 3000]]), now);
    await recordSale(u.store, event("OrderRefunded", "2030-01-01T14:10:00.000Z", [["vase", 2, 3000]]), now);
    expect(await recordSale(u.store, event("OrderPlaced", "2030-01-01T14:00:00.000Z", [["vase", 9, 3000]]), now)).toBe(true);
    expect(await recordSale(u.store, event("OrderCancelled", "2030-01-01T14:00:00.000Z", [["vase", 9, 3000]]), now)).toBe(true);
    const vase = await readSalesCounters(u.store, "vase");
    expect(vase.total).toEqual({ unitsSold: 2, revenueCents: 6000, unitsRefunded: 2, refundedCents: 6000 });
    expect(vase.minutes.map((m) => [m.minute, m.unitsSold, m.unitsRefunded])).toEqual([
      ["2030-01-01T14:00Z", 2, 0],
      ["2030-01-01T14:10Z", 0, 2],
    ]);
  });

  it("reads nothing sold as zeros", async () => {
    expect(await readSalesCounters(u.store, "never-sold")).toEqual({
      productId: "never-sold",
      total: { unitsSold: 0, revenueCents: 0, unitsRefunded: 0, refundedCents: 0 },
      minutes: [],
    });
    expect(minuteOf("2030-01-01T23:59:59.999Z")).toBe("2030-01-01T23:59Z");
  });

  it("counts the shop's orders placed, confirmed, cancelled and refunded, per minute and in total, once per event", async () => {
    // Its own minutes (the other tests count at 12:00–14:10 on the same day), read as a window.
    const before = (await readOrderCounts(u.store)).total;
    const placed = event("OrderPlaced", "2030-01-02T09:00:05.000Z", [["lamp", 1, 1000]]);
    for (const counted of [
      placed,
      placed, // a redelivery
      event("OrderPlaced", "2030-01-02T09:00:30.000Z", [["mug", 1, 500]]),
      event("OrderPlaced", "2030-01-02T09:01:00.000Z", [["mug", 1, 500]]),
      event("OrderConfirmed", "2030-01-02T09:01:10.000Z", [["lamp", 1, 1000]]),
      event("OrderCancelled", "2030-01-02T09:02:00.000Z", [["mug", 1, 500]]),
      event("OrderRefunded", "2030-01-02T09:02:30.000Z", [["lamp", 1, 1000]]),
    ]) {
      await recordSale(u.store, structuredClone(counted), now);
    }
    const orders = await readOrderCounts(u.store, { from: "2030-01-02T09:00:00.000Z", to: "2030-01-02T09:59:00.000Z" });
    expect(orders.minutes).toEqual([
      { minute: "2030-01-02T09:00Z", placed: 2, confirmed: 0, cancelled: 0, refunded: 0 },
      { minute: "2030-01-02T09:01Z", placed: 1, confirmed: 1, cancelled: 0, refunded: 0 },
      { minute: "2030-01-02T09:02Z", placed: 0, confirmed: 0, cancelled: 1, refunded: 1 },
    ]);
    expect(orders.total).toEqual({ placed: before.placed + 3, confirmed: before.confirmed + 1, cancelled: before.cancelled + 1, refunded: before.refunded + 1 });
  });
});
