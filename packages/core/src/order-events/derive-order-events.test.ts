// Event derivation on the images the orders table really holds: each change below is made by the
// order store's own write on DynamoDB Local and the item read before and after it, as the stream's
// NEW_AND_OLD_IMAGES record carries them. Transitions yield their one event; every other write none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { OrderRecord } from "../orders/order";
import {
  attachCheckoutSession,
  cancelOrder,
  confirmOrder,
  insertOrderReservingStock,
  recordLatePaymentRefund,
  recordPaymentMismatch,
  refundOrder,
} from "../orders/order-store";
import { deriveOrderEvent, type OrderChange } from "./derive-order-events";
import { OrderEvent } from "./order-event";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const now = new Date("2030-01-01T12:00:00.000Z");
const later = new Date("2030-01-01T12:05:00.000Z");
const expiresAt = Math.floor(now.getTime() / 1000) + 35 * 60;

/** The change one write makes to an order, as a stream record reports it. */
async function changeBy(orderId: string, write: () => Promise<unknown>): Promise<OrderChange> {
  const oldImage = await u.orderRecord(orderId);
  await write();
  const newImage = await u.orderRecord(orderId);
  const eventName = oldImage === undefined ? "INSERT" : newImage === undefined ? "REMOVE" : "MODIFY";
  return { eventName, ...(oldImage ? { oldImage } : {}), ...(newImage ? { newImage } : {}) };
}

async function placed(): Promise<{ record: OrderRecord; change: OrderChange }> {
  const product = testProduct({ stock: 10, priceCents: 1250 });
  await u.putProduct(product);
  const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 2 }], expiresAt, now });
  const change = await changeBy(record.id, () => insertOrderReservingStock(u.store, record));
  return { record, change };
}

async function withSession(record: OrderRecord, sessionId = `cs_test_${record.id.slice(4)}`) {
  await attachCheckoutSession(u.store, record.id, { id: sessionId, url: `https://pay.example/${sessionId}` }, now);
  return sessionId;
}

describe("deriveOrderEvent", () => {
  it("derives OrderPlaced from the insert of a pending order", async () => {
    const { record, change } = await placed();
    const event = deriveOrderEvent(change);
    expect(event).toEqual({
      id: `${record.id}:OrderPlaced:v1`,
      version: 1,
      type: "OrderPlaced",
      occurredAt: now.toISOString(),
      orderId: record.id,
      email: record.email,
      items: record.items,
      totalCents: 2500,
      currency: "usd",
    });
    expect(OrderEvent.parse(event)).toEqual(event);
    // Placed is when it was created, whatever the item says about later writes.
    const rewritten = deriveOrderEvent({ eventName: "INSERT", newImage: { ...change.newImage!, updatedAt: later.toISOString(), checkoutSessionId: "cs_test_later" } });
    expect(rewritten).toEqual(event);
  });

  it("derives OrderConfirmed, with the payment, from PENDING_PAYMENT → CONFIRMED", async () => {
    const { record } = await placed();
    const sessionId = await withSession(record);
    const change = await changeBy(record.id, () => confirmOrder(u.store, record.id, { sessionId, paymentIntentId: "pi_1" }, later));
    expect(deriveOrderEvent(change)).toMatchObject({
      id: `${record.id}:OrderConfirmed:v1`,
      type: "OrderConfirmed",
      occurredAt: later.toISOString(),
      paymentIntentId: "pi_1",
      checkoutSessionId: sessionId,
      totalCents: 2500,
    });
  });

  it("derives OrderCancelled with its reason from PENDING_PAYMENT → CANCELLED", async () => {
    const { record } = await placed();
    const change = await changeBy(record.id, () => cancelOrder(u.store, record.id, "checkout_session_expired", later));
    expect(deriveOrderEvent(change)).toMatchObject({
      id: `${record.id}:OrderCancelled:v1`,
      type: "OrderCancelled",
      reason: "checkout_session_expired",
      occurredAt: later.toISOString(),
    });
  });

  it("derives OrderRefunded from CONFIRMED → REFUNDED", async () => {
    const { record } = await placed();
    const sessionId = await withSession(record);
    await confirmOrder(u.store, record.id, { sessionId, paymentIntentId: "pi_2" }, now);
    const change = await changeBy(record.id, () => refundOrder(u.store, record.id, "pi_2", later));
    expect(deriveOrderEvent(change)).toMatchObject({ id: `${record.id}:OrderRefunded:v1`, type: "OrderRefunded", paymentIntentId: "pi_2" });
  });

  it("gives a replayed record the same event id", async () => {
    const { change } = await placed();
    expect(deriveOrderEvent(change)?.id).toBe(deriveOrderEvent(structuredClone(change))?.id);
  });

  it("derives nothing from writes that are not transitions", async () => {
    const { record } = await placed();
    const sessionId = await withSession(record);
    const attach = await changeBy(record.id, () => withSession(record, "cs_test_other"));
    const mismatch = await changeBy(record.id, () =>
      recordPaymentMismatch(u.store, record.id, { source: "evt_1", at: later.toISOString(), fields: [{ field: "amount_total", expected: 2500, received: 1 }] }),
    );
    const refused = await changeBy(record.id, () => refundOrder(u.store, record.id, "pi_x", later));
    expect([attach, mismatch, refused].map(deriveOrderEvent)).toEqual([undefined, undefined, undefined]);

    await cancelOrder(u.store, record.id, "reservation_lapsed", later);
    const lateRefund = await changeBy(record.id, () => recordLatePaymentRefund(u.store, record.id, { paymentIntentId: "pi_late", refundId: "re_1" }, later));
    expect(lateRefund.newImage?.latePaymentRefund).toBeDefined();
    expect(deriveOrderEvent(lateRefund)).toBeUndefined();
    const confirmAfterCancel = await changeBy(record.id, () => confirmOrder(u.store, record.id, { sessionId, paymentIntentId: "pi_3" }, later));
    expect(deriveOrderEvent(confirmAfterCancel)).toBeUndefined();
  });

  it("derives nothing from a removal (TTL or operator delete) or an insert that is not a new pending order", async () => {
    const { change } = await placed();
    expect(deriveOrderEvent({ eventName: "REMOVE", oldImage: change.newImage! })).toBeUndefined();
    expect(deriveOrderEvent({ eventName: "INSERT", newImage: { ...change.newImage!, status: "CONFIRMED" } })).toBeUndefined();
    expect(deriveOrderEvent({ eventName: "INSERT", newImage: { id: "hold#x", units: 1 } })).toBeUndefined();
  });

  it("derives nothing from moves the state machine does not have", () => {
    const image = (status: string) => ({ id: "ord_0123456789abcdefghjkmnpqrs", status });
    const moves = [
      ["CANCELLED", "CONFIRMED"],
      ["REFUNDED", "CONFIRMED"],
      ["PENDING_PAYMENT", "REFUNDED"],
      ["CONFIRMED", "CANCELLED"],
      ["CONFIRMED", "CONFIRMED"],
    ];
    for (const [from, to] of moves) {
      expect(deriveOrderEvent({ eventName: "MODIFY", oldImage: image(from!), newImage: image(to!) })).toBeUndefined();
    }
  });

  it("refuses a transition whose order lacks what its event must carry", async () => {
    const { change } = await placed();
    const confirmedWithoutPayment = { ...change.newImage!, status: "CONFIRMED", checkoutSessionId: "cs_test_1" };
    expect(() => deriveOrderEvent({ eventName: "MODIFY", oldImage: change.newImage!, newImage: confirmedWithoutPayment })).toThrow();
  });
});
