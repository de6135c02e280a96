// GET /orders/{id} with the order's access token (Bearer header or ?token=): the shopper's view;
// anything else (no token, a wrong one, garbage, an unknown order) is the same 404.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { newAccessToken } from "@shopwave/core/orders/access-token";
import { appendTimelineEntry } from "@shopwave/core/order-events/order-timeline";
import { apiEvent, bodyOf, captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { pendingOrderRecord, testProduct } from "../../../../test/support/unit-store";

let h: HandlerHarness;
let out: ReturnType<typeof captureOutput>;
let getOrder: (orderId: string | undefined, auth: { bearer?: string; token?: string }) => ReturnType<(typeof import("./get-order"))["handler"]>;
let order: Awaited<ReturnType<typeof pendingOrderRecord>>;
beforeAll(async () => {
  h = await startHandlerHarness();
  const product = testProduct();
  await h.u.putProduct(product);
  order = pendingOrderRecord(h.u.store, { lines: [{ product, quantity: 2 }], expiresAt: Math.floor(Date.now() / 1000) + 1800, checkoutSessionId: "cs_test_unit_get" });
  await h.u.putOrder(order.record);
  await appendTimelineEntry(h.u.store, { orderId: order.record.id, entryId: `${order.record.id}:OrderPlaced:v1:placed`, kind: "placed", at: order.record.createdAt });
  const { handler } = await h.load(() => import("./get-order"));
  getOrder = (orderId, auth) =>
    handler(
      apiEvent("GET /orders/{id}", {
        rawPath: `/orders/${orderId}`,
        ...(orderId === undefined ? {} : { pathParameters: { id: orderId } }),
        headers: auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {},
        ...(auth.token ? { query: { token: auth.token } } : {}),
      }),
      lambdaContext("get-order"),
    );
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

describe("GET /orders/{id}", () => {
  it.each([["a bearer token", "bearer"], ["?token=", "token"]] as const)("answers the order's view to %s", async (_name, how) => {
    const response = await getOrder(order.record.id, { [how]: order.token });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ "cache-control": "no-store" });
    const view = bodyOf(response);
    expect(view).toMatchObject({ id: order.record.id, status: "PENDING_PAYMENT", totalCents: order.record.totalCents, checkoutSessionId: "cs_test_unit_get" });
    expect(view).not.toHaveProperty("accessTokenHash");
    expect(view.timeline).toEqual([{ kind: "placed", at: order.record.createdAt }]);
    // The order id is on the request's log line, so one query follows the order.
    expect(out.logged("request")).toEqual([expect.objectContaining({ orderId: order.record.id, statusCode: 200 })]);
  });

  it.each([
    ["no token", () => ({})],
    ["another order's token", () => ({ bearer: newAccessToken().token })],
    ["a malformed token", () => ({ token: "not a token" })],
  ])("answers %s with 404", async (_name, auth) => {
    const response = await getOrder(order.record.id, auth());
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toEqual({ code: "NOT_FOUND", message: "Order was not found." });
  });

  it("answers an unknown or missing order id with 404", async () => {
    expect((await getOrder("ord_doesnotexist", { bearer: order.token })).statusCode).toBe(404);
    expect((await getOrder(undefined, { bearer: order.token })).statusCode).toBe(404);
  });
});
