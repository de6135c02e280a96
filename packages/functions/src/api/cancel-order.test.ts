// POST /orders/{id}/cancel on orders placed through the create-order handler (real sessions on
// the Stripe simulator): a pending order is cancelled, its session expired and its stock
// released once; a paid one is refused; a wrong token looks like no order.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { newAccessToken } from "@shopwave/core/orders/access-token";
import { apiEvent, bodyOf, captureOutput, lambdaContext, placeOrderThroughHandler, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { payOnCheckoutPage } from "../../../../test/support/checkout-page-client";

let h: HandlerHarness;
let out: ReturnType<typeof captureOutput>;
let createOrder: (typeof import("./create-order"))["handler"];
let cancelOrder: (typeof import("./cancel-order"))["handler"];
beforeAll(async () => {
  h = await startHandlerHarness();
  ({ handler: createOrder } = await h.load(() => import("./create-order")));
  ({ handler: cancelOrder } = await h.load(() => import("./cancel-order")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

async function placeOrder(quantity = 2) {
  const placed = await placeOrderThroughHandler(h, createOrder, { quantity });
  out.clear();
  return placed;
}

const cancel = (orderId: string | undefined, auth: { bearer?: string; token?: string }) =>
  cancelOrder(
    apiEvent("POST /orders/{id}/cancel", {
      rawPath: `/orders/${orderId}/cancel`,
      ...(orderId === undefined ? {} : { pathParameters: { id: orderId } }),
      headers: auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {},
      ...(auth.token ? { query: { token: auth.token } } : {}),
    }),
    lambdaContext("cancel-order"),
  );

describe("POST /orders/{id}/cancel", () => {
  it("cancels a pending order: session expired, stock back, counted and logged", async () => {
    const placed = await placeOrder(2);
    expect(await h.u.stockOf(placed.productId)).toBe(3);

    const response = await cancel(placed.order.id, { bearer: placed.accessToken });

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ id: placed.order.id, status: "CANCELLED", cancellationReason: "cancelled_by_shopper", checkoutUrl: null });
    expect(await h.u.stockOf(placed.productId)).toBe(5);
    expect((await h.u.orderRecord(placed.order.id))?.status).toBe("CANCELLED");
    expect((await h.stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).status).toBe("expired");
    expect(out.metrics()).toEqual({ OrdersCancelledByShopper: 1 });
    expect(out.logged("order cancelled by its shopper")).toEqual([expect.objectContaining({ orderId: placed.order.id })]);

    // Again (?token= this time): the same answer, and the stock moves no further.
    const again = await cancel(placed.order.id, { token: placed.accessToken });
    expect(again.statusCode).toBe(200);
    expect(await h.u.stockOf(placed.productId)).toBe(5);
  });

  it("refuses a paid order with 409 and confirms it instead", async () => {
    const placed = await placeOrder(1);
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);

    const response = await cancel(placed.order.id, { bearer: placed.accessToken });

    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error).toMatchObject({ code: "ORDER_NOT_CANCELLABLE", details: { status: "CONFIRMED" } });
    expect((await h.u.orderRecord(placed.order.id))?.status).toBe("CONFIRMED");
    expect(await h.u.stockOf(placed.productId)).toBe(4);
    expect(out.metrics()).toEqual({});
  });

  it.each([
    ["no token", () => ({})],
    ["another order's token", () => ({ bearer: newAccessToken().token })],
  ])("answers %s with 404 and changes nothing", async (_name, auth) => {
    const placed = await placeOrder(1);
    const response = await cancel(placed.order.id, auth());
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.code).toBe("NOT_FOUND");
    expect((await h.u.orderRecord(placed.order.id))?.status).toBe("PENDING_PAYMENT");
    expect(await h.u.stockOf(placed.productId)).toBe(4);
    expect((await h.stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).status).toBe("open");
    expect(out.metrics()).toEqual({});
  });

  it("answers a missing order id with 404", async () => {
    expect((await cancel(undefined, { bearer: newAccessToken().token })).statusCode).toBe(404);
  });
});
