// GET /me/orders/{id}: one of the signed-in customer's orders, found by the email they verified (no
// order token needed, as on another device); another customer's order, an unknown or malformed id
// is the same 404, and no token a 401.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { bodyOf, captureOutput, lambdaContext, placeOrderThroughHandler } from "../../../../test/support/handler-harness";
import { CUSTOMER, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let createOrder: (typeof import("./create-order"))["handler"];
let getMyOrder: (typeof import("./get-my-order"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: createOrder } = await h.load(() => import("./create-order")));
  ({ handler: getMyOrder } = await h.load(() => import("./get-my-order")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const read = async (orderId: string | undefined, token: string | null) => {
  const response = await getMyOrder(
    h.event("GET /me/orders/{id}", { ...(orderId === undefined ? {} : { pathParameters: { id: orderId } }), token }),
    lambdaContext("get-my-order"),
  );
  return { statusCode: response.statusCode, body: bodyOf(response) };
};

describe("GET /me/orders/{id}", () => {
  it("shows the customer an order placed with their email, without its token", async () => {
    // placeOrderThroughHandler orders as shopper@example.com, the test customer's email.
    expect(CUSTOMER.email).toBe("shopper@example.com");
    const placed = await placeOrderThroughHandler(h, createOrder, { quantity: 3, product: { priceCents: 700 } });
    out.clear();

    const { statusCode, body } = await read(placed.order.id, h.customerToken);

    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ id: placed.order.id, status: "PENDING_PAYMENT", totalCents: 2100, items: [expect.objectContaining({ productId: placed.productId, quantity: 3 })] });
    expect(JSON.stringify(body)).not.toContain("accessToken");
    expect(out.logged("request")).toEqual([
      expect.objectContaining({ route: "GET /me/orders/{id}", customerId: CUSTOMER.customerId, orderId: placed.order.id, statusCode: 200 }),
    ]);
  });

  it("answers 404 for another customer's order, an unknown or malformed id, or none", async () => {
    const placed = await placeOrderThroughHandler(h, createOrder);
    // The operator is another customer here: their email placed nothing.
    for (const [orderId, token] of [
      [placed.order.id, h.operatorToken],
      ["ord_00000000000000000000000000", h.customerToken],
      ["not-an-order", h.customerToken],
      [undefined, h.customerToken],
    ] as const) {
      const { statusCode, body } = await read(orderId, token);
      expect(statusCode).toBe(404);
      expect(body).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
    }
  });

  it("answers 401 without a token, before reading anything", async () => {
    const placed = await placeOrderThroughHandler(h, createOrder);
    const { statusCode, body } = await read(placed.order.id, null);
    expect(statusCode).toBe(401);
    expect(body.error.code).toBe("UNAUTHENTICATED");
  });
});
