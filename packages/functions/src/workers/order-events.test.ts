// The order-events worker on SQS batches as Lambda delivers them: orders on DynamoDB Local with
// real sessions and payments on the Stripe simulator; each outcome's metric and log line (what
// the alarms and an operator read: a payment on a cancelled order refunded once, a refund of a
// payment the order was not confirmed with named in the error), and a poison record failing
// alone (partial batch response).
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Product } from "@shopwave/core/catalog/product";
import { cancelOrder } from "@shopwave/core/orders/order-store";
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { payOnCheckoutPage } from "../../../../test/support/checkout-page-client";
import { checkoutSessionEvent } from "../../../../test/support/stripe-webhook";
import { sqsRecordOf } from "../../../../test/support/order-event-messages";
import { pendingOrderRecord, testProduct } from "../../../../test/support/unit-store";

let h: HandlerHarness;
let out: ReturnType<typeof captureOutput>;
let worker: (typeof import("./order-events"))["handler"];
beforeAll(async () => {
  h = await startHandlerHarness();
  ({ handler: worker } = await h.load(() => import("./order-events")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const run = (...records: SQSRecord[]) => worker({ Records: records } satisfies SQSEvent, lambdaContext("order-events"));

/** A pending order with its own open session on the simulator (stock as left after reserving 1). */
async function pendingOrder() {
  const product: Product = testProduct({ stock: 4, priceCents: 1250 });
  await h.u.putProduct(product);
  const { record: order, token } = pendingOrderRecord(h.u.store, { lines: [{ product, quantity: 1 }], expiresAt: Math.floor(Date.now() / 1000) + 1800 });
  const session = await createStripeCheckoutGateway(h.stripe).createSession({
    orderId: order.id,
    email: order.email,
    currency: "usd",
    lines: order.items,
    expiresAt: Math.floor(Date.now() / 1000) + 35 * 60,
    successUrl: "http://localhost:3999/orders/x",
    cancelUrl: "http://localhost:3999/cart",
  });
  await h.u.putOrder({ ...order, checkoutSessionId: session.id, checkoutUrl: session.url });
  return { order, token, productId: product.id, sessionId: session.id, checkoutUrl: session.url };
}

/** The event Stripe sends about the order's session as it now is. */
async function sessionEvent(type: string, sessionId: string, orderId: string) {
  const session = await h.stripe.checkout.sessions.retrieve(sessionId);
  const paymentIntent = typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null);
  return checkoutSessionEvent(type, { id: sessionId, orderId, paymentStatus: session.payment_status as "paid" | "unpaid" | "no_payment_required", paymentIntent, amountTotal: session.amount_total, currency: session.currency });
}

const statusOf = async (orderId: string) => (await h.u.orderRecord(orderId))?.status;

/** Stripe's event for a charge of `paymentIntent` refunded so far by `refundedCents` of `amountCents`. */
const chargeRefunded = (paymentIntent: string, amountCents: number, refundedCents: number) =>
  JSON.stringify({
    id: `evt_test_refund_${paymentIntent}_${refundedCents}`,
    object: "event",
    type: "charge.refunded",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: `ch_${paymentIntent}`, object: "charge", amount: amountCents, amount_refunded: refundedCents, refunded: refundedCents === amountCents, payment_intent: paymentIntent } },
  });

/** The payment intent of a paid session. */
const paymentIntentOf = async (sessionId: string) => String((await h.stripe.checkout.sessions.retrieve(sessionId)).payment_intent);

describe("the order-events worker", () => {
  it("confirms a paid order once: OrdersConfirmed, then PaymentEventsDuplicate on redelivery", async () => {
    const o = await pendingOrder();
    expect((await payOnCheckoutPage(o.checkoutUrl, "4242424242424242")).status).toBe(303);
    const completed = await sessionEvent("checkout.session.completed", o.sessionId, o.order.id);

    const delivered = sqsRecordOf(completed, 1);
    expect(await run(delivered)).toEqual({ batchItemFailures: [] });
    expect(await statusOf(o.order.id)).toBe("CONFIRMED");
    expect(out.metrics()).toEqual({ OrdersConfirmed: 1 });
    expect(out.logged("payment event confirmed")).toEqual([
      expect.objectContaining({ level: "INFO", orderId: o.order.id, stripeEventId: JSON.parse(completed).id, stripeEventType: "checkout.session.completed", messageId: delivered.messageId, receiveCount: 1 }),
    ]);

    out.clear();
    expect(await run(sqsRecordOf(completed, 2))).toEqual({ batchItemFailures: [] });
    expect(out.metrics()).toEqual({ PaymentEventsDuplicate: 1 });
    expect(out.logged("payment event duplicate")).toEqual([expect.objectContaining({ receiveCount: 2 })]);
    expect(await h.u.stockOf(o.productId)).toBe(4);
  });

  it("releases an expired session's order once (OrdersCancelled) and refuses to release an open one", async () => {
    const open = await pendingOrder();
    const expired = await pendingOrder();
    await h.stripe.checkout.sessions.expire(expired.sessionId);
    // The open session's "expiry" (a forged or mistaken event): Stripe says it can still be paid.
    const openEvent = await sessionEvent("checkout.session.expired", open.sessionId, open.order.id);
    const expiredEvent = await sessionEvent("checkout.session.expired", expired.sessionId, expired.order.id);

    expect(await run(sqsRecordOf(openEvent), sqsRecordOf(expiredEvent))).toEqual({ batchItemFailures: [] });

    expect(await statusOf(open.order.id)).toBe("PENDING_PAYMENT");
    expect(await h.u.stockOf(open.productId)).toBe(4);
    expect(await statusOf(expired.order.id)).toBe("CANCELLED");
    expect(await h.u.stockOf(expired.productId)).toBe(5);
    expect(out.metrics()).toEqual({ ReleasesRefusedSessionPayable: 1, OrdersCancelled: 1 });
  });

  it("logs a payment naming another order's session as an error carrying both session ids, and changes nothing", async () => {
    const o = await pendingOrder();
    const forged = checkoutSessionEvent("checkout.session.completed", { id: "cs_test_someone_else", orderId: o.order.id, amountTotal: 1250, currency: "usd" });

    expect(await run(sqsRecordOf(forged))).toEqual({ batchItemFailures: [] });

    expect(await statusOf(o.order.id)).toBe("PENDING_PAYMENT");
    expect(out.metrics()).toEqual({ PaymentEventMismatches: 1 });
    const [line] = out.logged("payment event does not match its order: recorded, not applied");
    expect(line).toMatchObject({
      level: "ERROR",
      orderId: o.order.id,
      stripeEventId: JSON.parse(forged).id,
      eventSessionId: "cs_test_someone_else",
      orderSessionId: o.sessionId,
      eventPaymentIntentId: "pi_test_1",
      mismatches: expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]),
    });
  });

  it("moves a confirmed order to REFUNDED on its payment's full refund (OrdersRefunded)", async () => {
    const paid = await pendingOrder();
    expect((await payOnCheckoutPage(paid.checkoutUrl, "4242424242424242")).status).toBe(303);
    await run(sqsRecordOf(await sessionEvent("checkout.session.completed", paid.sessionId, paid.order.id)));
    const session = await h.stripe.checkout.sessions.retrieve(paid.sessionId);
    expect(await run(sqsRecordOf(chargeRefunded(String(session.payment_intent), 1250, 1250)))).toEqual({ batchItemFailures: [] });
    expect(await statusOf(paid.order.id)).toBe("REFUNDED");
    expect(out.metrics()).toEqual({ OrdersConfirmed: 1, OrdersRefunded: 1 });
  });

  it("refunds a payment that lands on an order already cancelled, once (PaymentsAfterCancellation), and warns", async () => {
    const o = await pendingOrder();
    expect((await payOnCheckoutPage(o.checkoutUrl, "4242424242424242")).status).toBe(303);
    // The sweep cancelled the order (its units back on sale) while the shopper was paying.
    expect((await cancelOrder(h.u.store, o.order.id, "reservation_lapsed", new Date())).changed).toBe(true);
    const completed = await sessionEvent("checkout.session.completed", o.sessionId, o.order.id);
    const paymentIntent = await paymentIntentOf(o.sessionId);

    expect(await run(sqsRecordOf(completed))).toEqual({ batchItemFailures: [] });
    expect(await statusOf(o.order.id)).toBe("CANCELLED");
    expect(await h.u.stockOf(o.productId)).toBe(5);
    expect((await h.u.orderRecord(o.order.id))?.latePaymentRefund).toMatchObject({ paymentIntentId: paymentIntent });
    expect(h.simulator.requestCounts.get("POST /v1/refunds")).toBe(1);
    expect(out.metrics()).toEqual({ PaymentsAfterCancellation: 1 });
    expect(out.logged("payment received for a cancelled order: refunded automatically")).toEqual([
      expect.objectContaining({ level: "WARN", orderId: o.order.id, stripeEventId: JSON.parse(completed).id, stripeEventType: "checkout.session.completed" }),
    ]);

    // Redelivered: the money went back once.
    out.clear();
    expect(await run(sqsRecordOf(completed, 2))).toEqual({ batchItemFailures: [] });
    expect(h.simulator.requestCounts.get("POST /v1/refunds")).toBe(1);
    expect(out.metrics()).toEqual({ PaymentEventsDuplicate: 1 });
  });

  it.each([
    ["in full", 1250],
    ["in part", 500],
  ])("logs a refund %s of a payment the order was not confirmed with as an error naming that payment, and changes nothing", async (_how, refundedCents) => {
    const o = await pendingOrder();
    expect((await payOnCheckoutPage(o.checkoutUrl, "4242424242424242")).status).toBe(303);
    await run(sqsRecordOf(await sessionEvent("checkout.session.completed", o.sessionId, o.order.id)));
    // A second payment naming the same order (a payment link made by hand, say), paid too.
    const stray = await h.stripe.checkout.sessions.create({
      mode: "payment",
      customer_email: o.order.email,
      metadata: { orderId: o.order.id },
      payment_intent_data: { metadata: { orderId: o.order.id } },
      success_url: "http://localhost:3999/orders/x",
      cancel_url: "http://localhost:3999/cart",
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 1250, product_data: { name: "Stray" } } }],
    });
    expect((await payOnCheckoutPage(stray.url!, "4242424242424242")).status).toBe(303);
    const strayPayment = await paymentIntentOf(stray.id);
    out.clear();

    expect(await run(sqsRecordOf(chargeRefunded(strayPayment, 1250, refundedCents)))).toEqual({ batchItemFailures: [] });

    expect(await statusOf(o.order.id)).toBe("CONFIRMED");
    expect((await h.u.orderRecord(o.order.id))?.providerRefundedCents).toBeUndefined();
    expect(out.metrics()).toEqual({ PaymentEventMismatches: 1 });
    const [line] = out.logged("payment event does not match its order: recorded, not applied");
    expect(line).toMatchObject({ level: "ERROR", orderId: o.order.id, stripeEventType: "charge.refunded", eventPaymentIntentId: strayPayment });
    expect(line).not.toHaveProperty("eventSessionId");
  });

  it("logs why an ignored event was ignored, with no metric", async () => {
    const withoutPayment = JSON.stringify({
      id: "evt_test_no_payment",
      object: "event",
      type: "charge.refunded",
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: "ch_no_payment", object: "charge", amount: 1250, amount_refunded: 1250, refunded: true, payment_intent: null } },
    });
    expect(await run(sqsRecordOf(withoutPayment))).toEqual({ batchItemFailures: [] });
    expect(out.metrics()).toEqual({});
    expect(out.logged("payment event ignored")).toEqual([expect.objectContaining({ why: expect.stringContaining("has no payment intent"), stripeEventId: "evt_test_no_payment" })]);
  });

  it("fails a poison record alone: the rest of the batch is applied, the failure counted and logged", async () => {
    const o = await pendingOrder();
    await h.stripe.checkout.sessions.expire(o.sessionId);
    const good = sqsRecordOf(await sessionEvent("checkout.session.expired", o.sessionId, o.order.id));
    const notJson = sqsRecordOf("this is not an event");
    const notAnEvent = sqsRecordOf(JSON.stringify({ id: "evt_x", object: "event", type: "checkout.session.completed", created: 1, data: { object: { object: "checkout.session" } } }));

    const response = await run(notJson, good, notAnEvent);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: notJson.messageId }, { itemIdentifier: notAnEvent.messageId }] });
    expect(await statusOf(o.order.id)).toBe("CANCELLED");
    expect(out.metrics()).toEqual({ OrdersCancelled: 1, OrderEventFailures: 2 });
    expect(out.logged("some order events failed and will be retried")).toEqual([
      expect.objectContaining({ level: "WARN", failed: [notJson.messageId, notAnEvent.messageId] }),
    ]);
  });

  it("counts and logs a batch in which every record fails, and hands each back for retry", async () => {
    const lone = sqsRecordOf("this is not an event");
    const response = await run(lone);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: lone.messageId }] });
    expect(out.metrics()).toEqual({ OrderEventFailures: 1 });
    expect(out.logged("some order events failed and will be retried")).toEqual([expect.objectContaining({ level: "WARN", failed: [lone.messageId] })]);
  });
});
