// POST /admin/orders/{id}/refunds on orders placed and paid on the Stripe simulator: a partial
// refund is made at Stripe and recorded on the order with its audit entry; the same request id
// again is the same refund (200 `replayed`, nothing new at Stripe, not counted twice); more than is
// left, an unpaid order or a bad body is a 4xx that refunds nothing; Stripe unreachable is a 503.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listAuditEntries } from "@shopwave/core/admin/audit-log";
import { fulfilFromRedirect } from "@shopwave/core/orders/fulfil-from-redirect";
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { bodyOf, captureOutput, lambdaContext, placeOrderThroughHandler } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { payOnCheckoutPage } from "../../../../test/support/checkout-page-client";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let createOrder: (typeof import("../api/create-order"))["handler"];
let refundOrder: (typeof import("./refund-order"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: createOrder } = await h.load(() => import("../api/create-order")));
  ({ handler: refundOrder } = await h.load(() => import("./refund-order")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

/** An order of 2 × 1250 placed through the handler; paid and confirmed unless `paid: false`. */
async function placeOrder(options: { paid?: boolean } = {}) {
  const placed = await placeOrderThroughHandler(h, createOrder, { product: { priceCents: 1250 } });
  if (options.paid !== false) {
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    const checkout = createStripeCheckoutGateway(h.stripe);
    const { order } = await fulfilFromRedirect({ store: h.u.store, checkout }, { orderId: placed.order.id, accessToken: placed.accessToken, sessionId: placed.order.checkoutSessionId });
    expect(order.status).toBe("CONFIRMED");
  }
  out.clear();
  return placed.order.id;
}

const refund = (handler: typeof refundOrder, orderId: string, json: unknown) =>
  handler(h.event("POST /admin/orders/{id}/refunds", { pathParameters: { id: orderId }, json }), lambdaContext("admin-refund-order"));
/** The refunds Stripe made on the order's payment (its refund.created events; the simulator has no refund list). */
const refundsAtStripe = async (orderId: string) => {
  const paymentIntent = (await h.u.orderRecord(orderId))?.paymentIntentId;
  const events = await h.stripe.events.list({ type: "refund.created", limit: 100 });
  return events.data.map((event) => event.data.object as { payment_intent: string; amount: number }).filter((r) => r.payment_intent === paymentIntent);
};

describe("POST /admin/orders/{id}/refunds", () => {
  it("refunds part of a paid order once per request id, recorded, audited and counted once", async () => {
    const orderId = await placeOrder();
    const body = { requestId: randomUUID(), amountCents: 1000, reason: "requested_by_customer", note: "one mug broke" };

    const first = await refund(refundOrder, orderId, body);

    expect(first.statusCode).toBe(201);
    expect(bodyOf(first)).toMatchObject({ replayed: false, remainingCents: 1500, refund: { refundId: expect.stringMatching(/^re_/), amountCents: 1000, requestId: body.requestId, operatorId: OPERATOR.customerId } });
    expect((await refundsAtStripe(orderId)).map((r) => r.amount)).toEqual([1000]);
    expect(await h.u.orderRecord(orderId)).toMatchObject({ status: "CONFIRMED", refunds: [expect.objectContaining({ amountCents: 1000, note: "one mug broke" })] });
    expect(out.metrics()).toEqual({ OperatorRefunds: 1 });
    expect(out.logged("operator refund")).toEqual([expect.objectContaining({ route: "POST /admin/orders/{id}/refunds", orderId, amountCents: 1000, replayed: false, operatorId: OPERATOR.customerId })]);
    expect((await listAuditEntries(h.audit, { target: `order:${orderId}`, limit: 10 })).entries).toEqual([
      expect.objectContaining({ action: "order.refund", result: "succeeded", reason: "one mug broke", after: expect.objectContaining({ amountCents: 1000, full: false }) }),
    ]);

    out.clear();
    const again = await refund(refundOrder, orderId, body);
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again)).toMatchObject({ replayed: true, remainingCents: 1500, refund: { refundId: bodyOf(first).refund.refundId } });
    expect(await refundsAtStripe(orderId)).toHaveLength(1);
    expect(out.metrics()).toEqual({});
  });

  it("refuses more than is left with 409 and its remainder, refunding nothing", async () => {
    const orderId = await placeOrder();
    const response = await refund(refundOrder, orderId, { requestId: randomUUID(), amountCents: 2501, reason: "duplicate", note: "x" });
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error).toMatchObject({ code: "ORDER_NOT_REFUNDABLE", details: { status: "CONFIRMED", remainingCents: 2500 } });
    expect(await refundsAtStripe(orderId)).toEqual([]);
    expect(out.metrics()).toEqual({});
  });

  it("refuses an unpaid order with 409", async () => {
    const orderId = await placeOrder({ paid: false });
    const response = await refund(refundOrder, orderId, { requestId: randomUUID(), reason: "requested_by_customer", note: "x" });
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error).toMatchObject({ code: "ORDER_NOT_REFUNDABLE", details: { status: "PENDING_PAYMENT" } });
  });

  it.each([
    ["an unknown reason", { reason: "changed_mind", note: "x" }],
    ["no note", { reason: "duplicate" }],
    ["a zero amount", { amountCents: 0, reason: "duplicate", note: "x" }],
    ["a fractional amount", { amountCents: 10.5, reason: "duplicate", note: "x" }],
    ["an unknown field", { reason: "duplicate", note: "x", currency: "eur" }],
  ])("answers 400 to %s and refunds nothing", async (_name, body) => {
    const orderId = await placeOrder();
    const response = await refund(refundOrder, orderId, { requestId: randomUUID(), ...body });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.code).toBe("VALIDATION_FAILED");
    expect(await refundsAtStripe(orderId)).toEqual([]);
  });

  it("answers 404 for an unknown order or without a path parameter, and 413 to a body over 4 KiB", async () => {
    const response = await refund(refundOrder, "ord_00000000000000000000000000", { requestId: randomUUID(), reason: "duplicate", note: "x" });
    expect(response.statusCode).toBe(404);
    const noPath = h.event("POST /admin/orders/{id}/refunds", { json: { requestId: randomUUID(), reason: "duplicate", note: "x" } });
    expect((await refundOrder(noPath, lambdaContext("admin-refund-order"))).statusCode).toBe(404);
    const orderId = await placeOrder();
    const large = await refund(refundOrder, orderId, { requestId: randomUUID(), reason: "duplicate", note: "x", padding: "p".repeat(4100) });
    expect(large.statusCode).toBe(413);
    expect(await refundsAtStripe(orderId)).toEqual([]);
  });

  it("answers 503 when Stripe cannot be reached, recording nothing", async () => {
    const orderId = await placeOrder();
    const { handler: unreachable } = await h.load(() => import("./refund-order"), { STRIPE_API_BASE_URL: "http://127.0.0.1:9" });
    const response = await refund(unreachable, orderId, { requestId: randomUUID(), reason: "duplicate", note: "x" });
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response).error.code).toBe("PAYMENT_PROVIDER_UNAVAILABLE");
    expect((await h.u.orderRecord(orderId))?.refunds).toBeUndefined();
    expect((await listAuditEntries(h.audit, { target: `order:${orderId}`, limit: 10 })).entries).toEqual([]);
  });
});
