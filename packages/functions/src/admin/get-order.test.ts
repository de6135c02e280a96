// GET /admin/orders/{id} on DynamoDB Local and the Stripe simulator: the whole order (never its
// access-token hash) with its timeline and its session and payment as Stripe reports them now;
// Stripe unreachable still shows the order (Stripe's side empty), an unknown or malformed id is a 404.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { appendTimelineEntry } from "@shopwave/core/order-events/order-timeline";
import { fulfilFromRedirect } from "@shopwave/core/orders/fulfil-from-redirect";
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { bodyOf, captureOutput, lambdaContext, placeOrderThroughHandler } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { payOnCheckoutPage } from "../../../../test/support/checkout-page-client";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let createOrder: (typeof import("../api/create-order"))["handler"];
let getOrder: (typeof import("./get-order"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: createOrder } = await h.load(() => import("../api/create-order")));
  ({ handler: getOrder } = await h.load(() => import("./get-order")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const read = async (handler: typeof getOrder, orderId: string) => {
  const response = await handler(h.event("GET /admin/orders/{id}", { pathParameters: { id: orderId } }), lambdaContext("admin-get-order"));
  return { statusCode: response.statusCode, body: bodyOf(response) };
};

describe("GET /admin/orders/{id}", () => {
  it("shows a pending order with its timeline and its open Checkout Session, no payment yet", async () => {
    const placed = await placeOrderThroughHandler(h, createOrder, { product: { priceCents: 1250 } });
    const orderId = placed.order.id;
    await appendTimelineEntry(h.u.store, { orderId, entryId: "evt_1:placed", kind: "placed", at: "2026-11-30T10:00:00.000Z", detail: { totalCents: 2500 } });
    out.clear();

    const { statusCode, body } = await read(getOrder, orderId);

    expect(statusCode).toBe(200);
    expect(body.order).toMatchObject({ id: orderId, status: "PENDING_PAYMENT", totalCents: 2500, checkoutSessionId: placed.order.checkoutSessionId });
    expect(body.order).not.toHaveProperty("accessTokenHash");
    expect(body.timeline).toEqual([{ kind: "placed", at: "2026-11-30T10:00:00.000Z", detail: { totalCents: 2500 } }]);
    expect(body.stripe).toEqual({ session: expect.objectContaining({ id: placed.order.checkoutSessionId, status: "open" }), payment: null });
    // The request line names the route, the operator and the order, for the operator's audit trail in the logs.
    expect(out.logged("request")).toEqual([
      expect.objectContaining({ route: "GET /admin/orders/{id}", orderId, operatorId: OPERATOR.customerId, statusCode: 200 }),
    ]);
  });

  it("shows a paid order's payment as Stripe reports it", async () => {
    const placed = await placeOrderThroughHandler(h, createOrder, { product: { priceCents: 1250 } });
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await fulfilFromRedirect(
      { store: h.u.store, checkout: createStripeCheckoutGateway(h.stripe) },
      { orderId: placed.order.id, accessToken: placed.accessToken, sessionId: placed.order.checkoutSessionId },
    );
    const paymentIntentId = (await h.u.orderRecord(placed.order.id))?.paymentIntentId;
    expect(paymentIntentId).toMatch(/^pi_/);

    const { statusCode, body } = await read(getOrder, placed.order.id);

    expect(statusCode).toBe(200);
    expect(body.order).toMatchObject({ status: "CONFIRMED", paymentIntentId });
    expect(body.stripe.session).toMatchObject({ id: placed.order.checkoutSessionId, status: "complete" });
    expect(body.stripe.payment).toMatchObject({ id: paymentIntentId, status: "succeeded", orderId: placed.order.id, amount: 2500, currency: "usd" });
    expect(body.timeline).toEqual([]);
  });

  it("still shows the order when Stripe cannot be reached, with Stripe's side empty", async () => {
    const placed = await placeOrderThroughHandler(h, createOrder);
    const { handler: offline } = await h.load(() => import("./get-order"), { STRIPE_API_BASE_URL: "http://127.0.0.1:9", STRIPE_TIMEOUT_MS: "1000" });

    const { statusCode, body } = await read(offline, placed.order.id);

    expect(statusCode).toBe(200);
    expect(body.order).toMatchObject({ id: placed.order.id, status: "PENDING_PAYMENT" });
    expect(body.stripe).toEqual({ session: null, payment: null });
  });

  it("answers 404 for an order that does not exist, a malformed id or none", async () => {
    for (const id of ["ord_00000000000000000000000000", "not-an-order"]) {
      const { statusCode, body } = await read(getOrder, id);
      expect(statusCode).toBe(404);
      expect(body).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
    }
    const noPath = await getOrder(h.event("GET /admin/orders/{id}"), lambdaContext("admin-get-order"));
    expect(noPath.statusCode).toBe(404);
  });
});
