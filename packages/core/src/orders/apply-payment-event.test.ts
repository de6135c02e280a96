// applyPaymentEvent and settleFromSession against DynamoDB Local (the conditional writes are the
// logic) and a scripted CheckoutGateway (what Stripe answers is the input): every event is bound
// to its order before it acts, stock goes back only when the order's own session can no longer
// be paid, a payment on a cancelled order is refunded once, refunds act only on the order's own
// payment, and every refusal is recorded once per event.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUnitStore, fakeCheckoutGateway, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import type { PaymentEvent, SessionClaim } from "../payments/payment-event";
import { applyPaymentEvent, RefundBeforeConfirmation } from "./apply-payment-event";
import type { OrderRecord } from "./order";
import { cancelOrder, confirmOrder, MAX_RECORDED_MISMATCHES } from "./order-store";
import { settleFromSession } from "./settle-from-session";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const now = new Date("2030-01-01T12:00:00.000Z");
const expiresAt = Math.floor(now.getTime() / 1000) + 35 * 60;
let product: Product;
let provider: ReturnType<typeof fakeCheckoutGateway>;
const deps = () => ({ store: u.store, checkout: provider.gateway });
let eventCount = 0;
const apply = (event: PaymentEvent, eventId = `evt_${++eventCount}`) => applyPaymentEvent(deps(), event, { eventId, now });

beforeEach(async () => {
  // 10 on the shelf, 3 of them held by the order under test.
  product = testProduct({ stock: 7, priceCents: 1250 });
  await u.putProduct(product);
  provider = fakeCheckoutGateway();
});

/** A pending order holding 3 units, with its own open session (total 3,750 usd). */
async function pendingOrder(): Promise<OrderRecord> {
  const sessionId = `cs_test_${Math.random().toString(36).slice(2)}`;
  provider.sessions[sessionId] = { status: "open", paymentStatus: "unpaid", paymentIntentId: undefined, amountTotal: 3750, currency: "usd" };
  const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 3 }], expiresAt, checkoutSessionId: sessionId });
  await u.putOrder(record);
  return record;
}

/** What Stripe's event for the order's own session says when it was paid in full. */
const genuine = (order: OrderRecord, paymentIntentId = "pi_test_own"): SessionClaim => ({
  orderId: order.id,
  sessionId: order.checkoutSessionId!,
  paymentStatus: "paid",
  amountTotal: order.totalCents,
  currency: "usd",
  paymentIntentId,
});

const stored = async (order: OrderRecord) => (await u.orderRecord(order.id)) as OrderRecord & { paymentMismatchSources?: Set<string> };
const stock = () => u.stockOf(product.id);

describe("a payment (completed or async_payment_succeeded)", () => {
  it("confirms its own order, records the payment for refunds and leaves the stock sold", async () => {
    const order = await pendingOrder();
    expect(await apply({ kind: "payment_succeeded", session: genuine(order) })).toEqual({ outcome: "confirmed", orderId: order.id, orderSessionId: order.checkoutSessionId });
    const after = await stored(order);
    expect(after).toMatchObject({ status: "CONFIRMED", paymentIntentId: "pi_test_own", updatedAt: now.toISOString() });
    expect(after.pendingShard).toBeUndefined();
    expect(await stock()).toBe(7);
    expect(provider.calls).toEqual([]);
  });

  it.each([
    ["another session", { sessionId: "cs_test_foreign" }, ["session"]],
    ["one cent", { amountTotal: 1 }, ["amount"]],
    ["another currency", { currency: "eur" }, ["currency"]],
    ["no_payment_required at zero", { paymentStatus: "no_payment_required" as const, amountTotal: 0 }, ["amount", "payment_status"]],
    ["no payment", { paymentIntentId: undefined }, ["payment_intent"]],
  ])("with %s is recorded, not applied", async (_name, change, fields) => {
    const order = await pendingOrder();
    const claim = { ...genuine(order), ...change };
    const applied = await apply({ kind: "payment_succeeded", session: claim }, "evt_mismatch");
    expect(applied.outcome).toBe("payment_mismatch");
    expect(applied.mismatches!.map((mismatch) => mismatch.field)).toEqual(fields);
    const after = await stored(order);
    expect(after.status).toBe("PENDING_PAYMENT");
    expect(after.paymentIntentId).toBeUndefined();
    expect(after.paymentMismatches).toEqual([
      expect.objectContaining({ source: "evt_mismatch", at: now.toISOString(), sessionId: claim.sessionId, fields: applied.mismatches }),
    ]);
    expect(await stock()).toBe(7);
  });

  it("records a redelivered mismatch once, and keeps at most MAX_RECORDED_MISMATCHES", async () => {
    const order = await pendingOrder();
    const foreign = { ...genuine(order), sessionId: "cs_test_foreign" };
    await apply({ kind: "payment_succeeded", session: foreign }, "evt_same");
    await apply({ kind: "payment_succeeded", session: foreign }, "evt_same");
    expect((await stored(order)).paymentMismatches).toHaveLength(1);
    for (let i = 0; i < MAX_RECORDED_MISMATCHES + 3; i++) {
      expect((await apply({ kind: "payment_succeeded", session: foreign }, `evt_flood_${i}`)).outcome).toBe("payment_mismatch");
    }
    expect((await stored(order)).paymentMismatches).toHaveLength(MAX_RECORDED_MISMATCHES);
    expect((await stored(order)).status).toBe("PENDING_PAYMENT");
  });

  it("is a duplicate for an order already confirmed", async () => {
    const order = await pendingOrder();
    await apply({ kind: "payment_succeeded", session: genuine(order) });
    expect((await apply({ kind: "payment_succeeded", session: genuine(order) })).outcome).toBe("duplicate");
    expect(provider.refunds).toEqual([]);
  });

  it("on an order already cancelled is refunded once, and the order stays cancelled with its stock released", async () => {
    const order = await pendingOrder();
    expect((await cancelOrder(u.store, order.id, "reservation_lapsed", now)).changed).toBe(true);
    expect(await stock()).toBe(10);
    expect((await apply({ kind: "payment_succeeded", session: genuine(order, "pi_late") })).outcome).toBe("paid_after_cancellation_refunded");
    expect(provider.refunds).toEqual([{ paymentIntentId: "pi_late", orderId: order.id, why: "paid_after_cancellation" }]);
    expect(await stored(order)).toMatchObject({ status: "CANCELLED", latePaymentRefund: { paymentIntentId: "pi_late", refundId: "re_test_1", refundedAt: now.toISOString() } });
    // Redelivered, or replayed under a fresh id: the order says it was refunded, so no second call.
    expect((await apply({ kind: "payment_succeeded", session: genuine(order, "pi_late") })).outcome).toBe("duplicate");
    expect(provider.calls.filter((call) => call.method === "refundPayment")).toHaveLength(1);
    expect(await stock()).toBe(10);
  });

  it("on a cancelled order is retried when the refund fails (nothing recorded until it succeeds)", async () => {
    const order = await pendingOrder();
    await cancelOrder(u.store, order.id, "reservation_lapsed", now);
    provider.failOn("pi_late");
    await expect(apply({ kind: "payment_succeeded", session: genuine(order, "pi_late") })).rejects.toThrow(/provider unavailable/);
    expect((await stored(order)).latePaymentRefund).toBeUndefined();
  });

  it("naming an order that does not exist, or no order id at all, is unknown", async () => {
    const order = await pendingOrder();
    expect((await apply({ kind: "payment_succeeded", session: { ...genuine(order), orderId: "ord_zzzzzzzzzzzzzzzzzzzzzzzzzz" } })).outcome).toBe("unknown_order");
    expect((await apply({ kind: "payment_succeeded", session: { ...genuine(order), orderId: "not-an-order" } })).outcome).toBe("unknown_order");
    expect((await apply({ kind: "session_expired", session: { ...genuine(order), orderId: "ord_zzzzzzzzzzzzzzzzzzzzzzzzzz" } })).outcome).toBe("unknown_order");
    expect(provider.calls).toEqual([]);
    expect((await stored(order)).status).toBe("PENDING_PAYMENT");
  });
});

describe("a delayed payment's completion (payment_pending)", () => {
  it("keeps its own order pending, and records a foreign one", async () => {
    const order = await pendingOrder();
    const claim = { ...genuine(order), paymentStatus: "unpaid" as const };
    expect((await apply({ kind: "payment_pending", session: claim })).outcome).toBe("awaiting_async_payment");
    expect((await apply({ kind: "payment_pending", session: { ...claim, sessionId: "cs_test_foreign" } })).outcome).toBe("payment_mismatch");
    expect((await stored(order)).status).toBe("PENDING_PAYMENT");
    expect(provider.calls).toEqual([]);
  });
});

describe("an expiry or async failure", () => {
  const expiry = (order: OrderRecord, sessionId = order.checkoutSessionId!): PaymentEvent => ({
    kind: "session_expired",
    session: { ...genuine(order), sessionId, paymentStatus: "unpaid", amountTotal: undefined, paymentIntentId: undefined },
  });
  const failure = (order: OrderRecord): PaymentEvent => ({ kind: "payment_failed", session: { ...genuine(order), paymentStatus: "unpaid" } });

  it("cancels and releases the stock once, after Stripe confirms the order's own session expired", async () => {
    const order = await pendingOrder();
    provider.sessions[order.checkoutSessionId!]!.status = "expired";
    expect((await apply(expiry(order))).outcome).toBe("cancelled");
    expect(provider.calls).toEqual([{ method: "getSession", sessionId: order.checkoutSessionId }]);
    expect(await stored(order)).toMatchObject({ status: "CANCELLED", cancellationReason: "checkout_session_expired" });
    expect(await stock()).toBe(10);
    // Again: the order is settled, so Stripe is not asked and nothing is released twice.
    expect((await apply(expiry(order))).outcome).toBe("duplicate");
    expect(provider.calls).toHaveLength(1);
    expect(await stock()).toBe(10);
  });

  it("releases nothing while the order's own session is still open", async () => {
    const order = await pendingOrder();
    expect((await apply(expiry(order))).outcome).toBe("session_still_payable");
    expect((await apply(failure(order))).outcome).toBe("session_still_payable");
    expect((await stored(order)).status).toBe("PENDING_PAYMENT");
    expect(await stock()).toBe(7);
  });

  it("confirms instead when Stripe says the order's own session was paid (a late or forged expiry)", async () => {
    const order = await pendingOrder();
    provider.sessions[order.checkoutSessionId!] = { status: "complete", paymentStatus: "paid", paymentIntentId: "pi_test_own", amountTotal: 3750, currency: "usd" };
    expect((await apply(expiry(order))).outcome).toBe("confirmed");
    expect(await stored(order)).toMatchObject({ status: "CONFIRMED", paymentIntentId: "pi_test_own" });
    expect(await stock()).toBe(7);
  });

  it("records, and does not confirm, a paid session Stripe reports with another amount", async () => {
    const order = await pendingOrder();
    provider.sessions[order.checkoutSessionId!] = { status: "complete", paymentStatus: "paid", paymentIntentId: "pi_test_own", amountTotal: 1, currency: "usd" };
    expect((await apply(expiry(order))).outcome).toBe("payment_mismatch");
    expect((await stored(order)).paymentMismatches![0]).toMatchObject({ source: `provider:${order.checkoutSessionId}`, fields: [{ field: "amount", expected: 3750, received: 1 }] });
    expect((await stored(order)).status).toBe("PENDING_PAYMENT");
  });

  it("for another session is recorded without asking Stripe or releasing anything", async () => {
    const order = await pendingOrder();
    const applied = await apply(expiry(order, "cs_test_foreign"));
    expect(applied).toMatchObject({ outcome: "payment_mismatch", orderSessionId: order.checkoutSessionId, mismatches: [{ field: "session", expected: order.checkoutSessionId, received: "cs_test_foreign" }] });
    expect(provider.calls).toEqual([]);
    expect(await stock()).toBe(7);
  });

  it("for a confirmed order is ignored without asking Stripe", async () => {
    const order = await pendingOrder();
    await confirmOrder(u.store, order.id, { sessionId: order.checkoutSessionId!, paymentIntentId: "pi_test_own" }, now);
    expect((await apply(expiry(order))).outcome).toBe("late_cancellation_ignored");
    expect((await apply(failure(order))).outcome).toBe("late_cancellation_ignored");
    expect(provider.calls).toEqual([]);
    expect((await stored(order)).status).toBe("CONFIRMED");
  });

  it("cancels, with its reason, only once the bank debit failed for good; while it settles nothing moves", async () => {
    const order = await pendingOrder();
    provider.sessions[order.checkoutSessionId!] = { status: "complete", paymentStatus: "unpaid", paymentIntentId: "pi_debit", amountTotal: 3750, currency: "usd" };
    provider.payments.pi_debit = { status: "pending", orderId: order.id, amount: 3750, currency: "usd" };
    expect((await apply(failure(order))).outcome).toBe("awaiting_async_payment");
    expect(await stock()).toBe(7);
    provider.payments.pi_debit = { status: "succeeded", orderId: order.id, amount: 3750, currency: "usd" };
    expect((await apply(failure(order))).outcome).toBe("awaiting_async_payment");
    provider.payments.pi_debit = { status: "failed", orderId: order.id, amount: 3750, currency: "usd" };
    expect((await apply(failure(order))).outcome).toBe("cancelled");
    expect(await stored(order)).toMatchObject({ status: "CANCELLED", cancellationReason: "async_payment_failed" });
    expect(await stock()).toBe(10);
  });
});

describe("a full refund", () => {
  async function confirmedOrder(paymentIntentId = "pi_test_own") {
    const order = await pendingOrder();
    await apply({ kind: "payment_succeeded", session: genuine(order, paymentIntentId) });
    return order;
  }

  it("moves its order to REFUNDED once, found through the payment, without restocking", async () => {
    const order = await confirmedOrder();
    provider.payments.pi_test_own = { status: "succeeded", orderId: order.id, amount: 3750, currency: "usd" };
    expect(await apply({ kind: "refunded", paymentIntentId: "pi_test_own", chargeId: "ch_1" })).toEqual({ outcome: "refunded", orderId: order.id });
    expect(await stored(order)).toMatchObject({ status: "REFUNDED", updatedAt: now.toISOString() });
    expect((await apply({ kind: "refunded", paymentIntentId: "pi_test_own", chargeId: "ch_1" })).outcome).toBe("duplicate");
    expect(await stock()).toBe(7);
  });

  it("in part (the console's or the Stripe Dashboard's) records the amount refunded so far, only upwards, and leaves the order CONFIRMED", async () => {
    const order = await confirmedOrder();
    provider.payments.pi_test_own = { status: "succeeded", orderId: order.id, amount: 3750, currency: "usd" };
    const partial = (amountRefundedCents: number) => apply({ kind: "partially_refunded", paymentIntentId: "pi_test_own", chargeId: "ch_1", amountRefundedCents });
    expect(await partial(500)).toEqual({ outcome: "partial_refund_recorded", orderId: order.id });
    expect(await partial(1200)).toEqual({ outcome: "partial_refund_recorded", orderId: order.id });
    // Redelivered, or an older event arriving late: nothing moves back.
    expect((await partial(1200)).outcome).toBe("duplicate");
    expect((await partial(500)).outcome).toBe("duplicate");
    expect(await stored(order)).toMatchObject({ status: "CONFIRMED", providerRefundedCents: 1200 });
    // Of another payment naming the order: recorded as a mismatch, the amount untouched.
    provider.payments.pi_foreign_part = { status: "succeeded", orderId: order.id, amount: 1, currency: "usd" };
    expect((await apply({ kind: "partially_refunded", paymentIntentId: "pi_foreign_part", chargeId: "ch_9", amountRefundedCents: 3000 })).outcome).toBe("payment_mismatch");
    expect(await stored(order)).toMatchObject({ providerRefundedCents: 1200 });
  });

  it("in part, above the order's total, is not Stripe's figure and is not recorded", async () => {
    const order = await confirmedOrder();
    provider.payments.pi_test_own = { status: "succeeded", orderId: order.id, amount: 3750, currency: "usd" };
    const partial = (amountRefundedCents: number) => apply({ kind: "partially_refunded", paymentIntentId: "pi_test_own", chargeId: "ch_1", amountRefundedCents });
    expect((await partial(order.totalCents + 1)).outcome).toBe("duplicate");
    expect(await stored(order)).not.toHaveProperty("providerRefundedCents");
    expect((await partial(order.totalCents)).outcome).toBe("partial_refund_recorded");
  });

  it("that overtakes its payment's confirmation is delivered again later, not recorded as a mismatch", async () => {
    const order = await pendingOrder();
    provider.payments.pi_early = { status: "succeeded", orderId: order.id, amount: order.totalCents, currency: "usd" };
    await expect(apply({ kind: "partially_refunded", paymentIntentId: "pi_early", chargeId: "ch_e", amountRefundedCents: 100 })).rejects.toThrow(RefundBeforeConfirmation);
    await expect(apply({ kind: "refunded", paymentIntentId: "pi_early", chargeId: "ch_e" })).rejects.toThrow(RefundBeforeConfirmation);
    expect(await stored(order)).not.toHaveProperty("paymentMismatches");
    // Once the payment confirmed the order, the same event applies.
    await apply({ kind: "payment_succeeded", session: genuine(order, "pi_early") });
    expect((await apply({ kind: "partially_refunded", paymentIntentId: "pi_early", chargeId: "ch_e", amountRefundedCents: 100 })).outcome).toBe("partial_refund_recorded");
  });

  it("naming an order it never confirmed (cancelled unpaid, or the payment did not succeed) is recorded as a mismatch, not delivered again", async () => {
    const cancelled = await pendingOrder();
    await cancelOrder(u.store, cancelled.id, "reservation_lapsed", now);
    provider.payments.pi_never_bound = { status: "succeeded", orderId: cancelled.id, amount: 3750, currency: "usd" };
    expect(await apply({ kind: "refunded", paymentIntentId: "pi_never_bound", chargeId: "ch_6" })).toMatchObject({
      outcome: "payment_mismatch",
      mismatches: [{ field: "payment_intent", expected: null, received: "pi_never_bound" }],
    });
    expect(await stored(cancelled)).toMatchObject({ status: "CANCELLED" });

    const pending = await pendingOrder();
    provider.payments.pi_failed = { status: "failed", orderId: pending.id, amount: 3750, currency: "usd" };
    expect((await apply({ kind: "refunded", paymentIntentId: "pi_failed", chargeId: "ch_7" })).outcome).toBe("payment_mismatch");
    expect(await stored(pending)).toMatchObject({ status: "PENDING_PAYMENT" });
  });

  it("of another payment naming the order is recorded, not applied", async () => {
    const order = await confirmedOrder();
    provider.payments.pi_foreign = { status: "succeeded", orderId: order.id, amount: 1, currency: "usd" };
    const applied = await apply({ kind: "refunded", paymentIntentId: "pi_foreign", chargeId: "ch_2" }, "evt_foreign_refund");
    expect(applied).toMatchObject({ outcome: "payment_mismatch", mismatches: [{ field: "payment_intent", expected: "pi_test_own", received: "pi_foreign" }] });
    expect(await stored(order)).toMatchObject({ status: "CONFIRMED", paymentMismatches: [expect.objectContaining({ source: "evt_foreign_refund", paymentIntentId: "pi_foreign" })] });
  });

  it("of a payment that is not ours, or names no order we have, is unknown", async () => {
    provider.payments.pi_other_app = { status: "succeeded", orderId: undefined, amount: 1, currency: "usd" };
    provider.payments.pi_gone = { status: "succeeded", orderId: "ord_zzzzzzzzzzzzzzzzzzzzzzzzzz", amount: 1, currency: "usd" };
    expect((await apply({ kind: "refunded", paymentIntentId: "pi_other_app", chargeId: "ch_3" })).outcome).toBe("unknown_order");
    expect((await apply({ kind: "refunded", paymentIntentId: "pi_gone", chargeId: "ch_4" })).outcome).toBe("unknown_order");
  });

  it("of the payment we refunded after a cancellation is our own refund: a duplicate", async () => {
    const order = await pendingOrder();
    await cancelOrder(u.store, order.id, "reservation_lapsed", now);
    await apply({ kind: "payment_succeeded", session: genuine(order, "pi_late") });
    provider.payments.pi_late = { status: "succeeded", orderId: order.id, amount: 3750, currency: "usd" };
    expect((await apply({ kind: "refunded", paymentIntentId: "pi_late", chargeId: "ch_5" })).outcome).toBe("duplicate");
    expect((await stored(order)).paymentMismatches).toBeUndefined();
  });
});

describe("ignored events and settleFromSession's contract", () => {
  it("changes nothing for an ignored event", async () => {
    expect(await apply({ kind: "ignored", why: "unhandled event type customer.created" })).toEqual({ outcome: "ignored", orderId: undefined });
    expect(provider.calls).toEqual([]);
  });

  it("refuses to settle an order from a session that is not its own", async () => {
    const order = await pendingOrder();
    const foreign = { id: "cs_test_foreign", status: "expired" as const, paymentStatus: "unpaid" as const, paymentIntentId: undefined, amountTotal: 1, currency: "usd" };
    await expect(settleFromSession(deps(), order, foreign, "reservation_lapsed", now)).rejects.toThrow(/not order .* own/);
    expect(await stock()).toBe(7);
  });

  it("settles from a stale read as the order now is: a cancel that lost the race to a payment, or came twice", async () => {
    const paid = await pendingOrder();
    const expired = { id: paid.checkoutSessionId!, status: "expired" as const, paymentStatus: "unpaid" as const, paymentIntentId: undefined, amountTotal: 3750, currency: "usd" };
    await confirmOrder(u.store, paid.id, { sessionId: paid.checkoutSessionId!, paymentIntentId: "pi_test_own" }, now);
    expect(await settleFromSession(deps(), paid, expired, "reservation_lapsed", now)).toEqual({ outcome: "late_cancellation_ignored" });
    const cancelled = await pendingOrder();
    await cancelOrder(u.store, cancelled.id, "cancelled_by_shopper", now);
    expect(await settleFromSession(deps(), cancelled, { ...expired, id: cancelled.checkoutSessionId! }, "reservation_lapsed", now)).toEqual({ outcome: "duplicate" });
    expect(await stock()).toBe(7 + 3);
  });

  it("reports an order that is not (or no longer) stored as unknown, whichever way it would settle", async () => {
    const { record: ghost } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 3 }], expiresAt, checkoutSessionId: "cs_test_ghost" });
    const session = { id: "cs_test_ghost", paymentStatus: "paid" as const, paymentIntentId: "pi_test_ghost", amountTotal: 3750, currency: "usd" };
    expect(await settleFromSession(deps(), ghost, { ...session, status: "expired" }, "reservation_lapsed", now)).toEqual({ outcome: "unknown_order" });
    expect(await settleFromSession(deps(), ghost, { ...session, status: "complete" }, "reservation_lapsed", now)).toEqual({ outcome: "unknown_order" });
  });

  it("says which session it was given when that is not the order's own", async () => {
    const { record: sessionless } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt });
    const foreign = { id: "cs_test_x", status: "expired" as const, paymentStatus: "unpaid" as const, paymentIntentId: undefined, amountTotal: 1, currency: "usd" };
    await expect(settleFromSession(deps(), sessionless, foreign, "reservation_lapsed", now)).rejects.toThrow("session cs_test_x is not order " + sessionless.id + "'s own (none)");
  });

  it("waits on a completed, unpaid session that has no payment yet", async () => {
    const order = await pendingOrder();
    const session = { id: order.checkoutSessionId!, status: "complete" as const, paymentStatus: "unpaid" as const, paymentIntentId: undefined, amountTotal: 3750, currency: "usd" };
    expect(await settleFromSession(deps(), order, session, "reservation_lapsed", now)).toEqual({ outcome: "awaiting_async_payment" });
  });
});
