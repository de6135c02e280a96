// POST /orders/{id}/fulfil on orders placed through the create-order handler (real sessions on
// the Stripe simulator): the shopper back from paying gets a confirmed order without waiting for
// the webhook; the body is validated; a wrong token or order is a 404; a session id that is not
// the order's own changes nothing and is not logged.
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { newAccessToken } from "@shopwave/core/orders/access-token";
import { apiEvent, bodyOf, captureOutput, lambdaContext, placeOrderThroughHandler, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { payOnCheckoutPage } from "../../../../test/support/checkout-page-client";

let h: HandlerHarness;
let out: ReturnType<typeof captureOutput>;
let createOrder: (typeof import("./create-order"))["handler"];
let fulfilOrder: (typeof import("./fulfil-order"))["handler"];
beforeAll(async () => {
  h = await startHandlerHarness();
  ({ handler: createOrder } = await h.load(() => import("./create-order")));
  ({ handler: fulfilOrder } = await h.load(() => import("./fulfil-order")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

async function placeOrder() {
  const placed = await placeOrderThroughHandler(h, createOrder);
  out.clear();
  return placed;
}

const fulfil = (orderId: string | undefined, bearer: string | undefined, body: unknown, contentType = "application/json") =>
  fulfilOrder(
    apiEvent("POST /orders/{id}/fulfil", {
      rawPath: `/orders/${orderId}/fulfil`,
      ...(orderId === undefined ? {} : { pathParameters: { id: orderId } }),
      headers: { "content-type": contentType, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    lambdaContext("fulfil-order"),
  );

describe("POST /orders/{id}/fulfil", () => {
  it("confirms a paid order from its own session, counted and logged, and a repeat changes nothing", async () => {
    const placed = await placeOrder();
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);

    const response = await fulfil(placed.order.id, placed.accessToken, { sessionId: placed.order.checkoutSessionId });

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ id: placed.order.id, status: "CONFIRMED" });
    // With its history, as GET /orders/{id} answers (none yet: no consumer runs here); the page reads on until it fills.
    expect(bodyOf(response).timeline).toEqual([]);
    expect(await h.u.orderRecord(placed.order.id)).toMatchObject({ status: "CONFIRMED", paymentIntentId: expect.stringMatching(/^pi_/) });
    expect(await h.u.stockOf(placed.productId)).toBe(3);
    expect(out.metrics()).toEqual({ OrdersConfirmedFromRedirect: 1 });
    expect(out.logged("fulfilment from redirect confirmed")).toEqual([expect.objectContaining({ orderId: placed.order.id, status: "CONFIRMED" })]);

    out.clear();
    const again = await fulfil(placed.order.id, placed.accessToken, { sessionId: placed.order.checkoutSessionId });
    expect(again.statusCode).toBe(200);
    expect(out.logged("fulfilment from redirect already_settled")).toHaveLength(1);
    expect(out.metrics()).toEqual({});
    expect(await h.u.stockOf(placed.productId)).toBe(3);
  });

  it("leaves an unpaid order pending", async () => {
    const placed = await placeOrder();
    const response = await fulfil(placed.order.id, placed.accessToken, { sessionId: placed.order.checkoutSessionId });
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).status).toBe("PENDING_PAYMENT");
    expect(out.logged("fulfilment from redirect session_still_payable")).toHaveLength(1);
  });

  it("ignores another order's paid session: nothing confirmed, counted, and the presented id is not logged", async () => {
    const placed = await placeOrder();
    const other = await placeOrder();
    expect((await payOnCheckoutPage(other.checkoutUrl, "4242424242424242")).status).toBe(303);

    const response = await fulfil(placed.order.id, placed.accessToken, { sessionId: other.order.checkoutSessionId });

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).status).toBe("PENDING_PAYMENT");
    expect((await h.u.orderRecord(placed.order.id))?.status).toBe("PENDING_PAYMENT");
    expect(out.metrics()).toEqual({ RedirectSessionMismatches: 1 });
    expect(out.logged("success redirect named another checkout session: ignored")).toEqual([expect.objectContaining({ level: "WARN", orderId: placed.order.id })]);
    expect(JSON.stringify(out.printed)).not.toContain(other.order.checkoutSessionId);
  });

  it("records, counts and logs as an error a paid session that does not match its order, and confirms nothing", async () => {
    const placed = await placeOrder();
    // The order's recorded total no longer matches what the session charged (a repricing bug, say).
    await h.u.store.db.send(
      new UpdateCommand({ TableName: h.u.store.tables.orders, Key: { id: placed.order.id }, UpdateExpression: "SET totalCents = :total", ExpressionAttributeValues: { ":total": 1 } }),
    );
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);

    const response = await fulfil(placed.order.id, placed.accessToken, { sessionId: placed.order.checkoutSessionId });

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).status).toBe("PENDING_PAYMENT");
    expect(await h.u.orderRecord(placed.order.id)).toMatchObject({ status: "PENDING_PAYMENT", paymentMismatches: [expect.objectContaining({ sessionId: placed.order.checkoutSessionId })] });
    expect(out.metrics()).toEqual({ PaymentEventMismatches: 1 });
    expect(out.logged("checkout session does not match its order: recorded, not applied")).toEqual([
      expect.objectContaining({ level: "ERROR", orderId: placed.order.id, mismatches: [{ field: "amount", expected: 1, received: 2500 }] }),
    ]);
  });

  it.each([
    ["no token", () => undefined],
    ["another order's token", () => newAccessToken().token],
  ])("answers %s with 404 and changes nothing", async (_name, bearer) => {
    const placed = await placeOrder();
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    const response = await fulfil(placed.order.id, bearer(), { sessionId: placed.order.checkoutSessionId });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.code).toBe("NOT_FOUND");
    expect((await h.u.orderRecord(placed.order.id))?.status).toBe("PENDING_PAYMENT");
  });

  it("answers a missing order id with 404", async () => {
    expect((await fulfil(undefined, newAccessToken().token, { sessionId: "cs_test_x" })).statusCode).toBe(404);
  });

  it.each([
    ["no session id", {}, 400, "VALIDATION_FAILED"],
    ["something else than a session id", { sessionId: "pi_123" }, 400, "VALIDATION_FAILED"],
    ["unknown fields", { sessionId: "cs_test_x", orderId: "ord_x" }, 400, "VALIDATION_FAILED"],
    ["not JSON", "{", 400, "INVALID_JSON"],
  ])("refuses a body with %s", async (_name, body, status, code) => {
    const placed = await placeOrder();
    const response = await fulfil(placed.order.id, placed.accessToken, body);
    expect(response.statusCode).toBe(status);
    expect(bodyOf(response).error.code).toBe(code);
  });

  it("refuses a body that is not JSON with 415", async () => {
    const placed = await placeOrder();
    expect((await fulfil(placed.order.id, placed.accessToken, "sessionId=cs_test_x", "application/x-www-form-urlencoded")).statusCode).toBe(415);
  });
});
