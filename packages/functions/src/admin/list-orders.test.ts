// GET /admin/orders on DynamoDB Local: by status newest first (paged), by a shopper's email, or one
// order by id (an unknown id is an empty list, not a 404); what an operator sees never includes the
// order's access-token hash; bad queries are 400s.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { pendingOrderRecord, testProduct } from "../../../../test/support/unit-store";

let h: AdminHarness;
let listOrders: (typeof import("./list-orders"))["handler"];
const product = testProduct();
const placed: string[] = [];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: listOrders } = await h.load(() => import("./list-orders")));
  await h.u.putProduct(product);
  // Three pending orders a minute apart, the last for another shopper.
  for (const [minute, email] of [[1, "ada@example.com"], [2, "ada@example.com"], [3, "bob@example.com"]] as const) {
    const { record } = pendingOrderRecord(h.u.store, { lines: [{ product, quantity: 1 }], expiresAt: 2_000_000_000, now: new Date(`2026-11-30T10:0${minute}:00.000Z`) });
    await h.u.putOrder({ ...record, email });
    placed.push(record.id);
  }
});
afterAll(() => h?.stop());
beforeEach(() => {
  captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const list = async (query: Record<string, string>) => {
  const response = await listOrders(h.event("GET /admin/orders", { query }), lambdaContext("admin-list-orders"));
  return { statusCode: response.statusCode, body: bodyOf(response) };
};
const ids = (body: { orders: { id: string }[] }) => body.orders.map((order) => order.id);

describe("GET /admin/orders", () => {
  it("lists an order status newest first, a page at a time", async () => {
    const first = await list({ status: "PENDING_PAYMENT", limit: "2" });
    expect(first.statusCode).toBe(200);
    expect(ids(first.body)).toEqual([placed[2], placed[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list({ status: "PENDING_PAYMENT", limit: "2", cursor: first.body.nextCursor });
    expect(ids(second.body)).toEqual([placed[0]]);
    expect((await list({ status: "CONFIRMED" })).body.orders).toEqual([]);
  });

  it("finds one order by id without its access-token hash, and an unknown id as no orders", async () => {
    const one = await list({ id: placed[0]! });
    expect(one.statusCode).toBe(200);
    expect(ids(one.body)).toEqual([placed[0]]);
    expect(one.body.orders[0]).toMatchObject({ status: "PENDING_PAYMENT", email: "ada@example.com", totalCents: product.priceCents });
    expect(one.body.orders[0]).not.toHaveProperty("accessTokenHash");
    expect(await list({ id: "ord_00000000000000000000000000" })).toEqual({ statusCode: 200, body: { orders: [] } });
    expect(await list({ id: "not-an-order-id" })).toEqual({ statusCode: 200, body: { orders: [] } });
  });

  it("lists a shopper's orders by email, whatever its case and spaces", async () => {
    const response = await list({ email: "  Ada@Example.com " });
    expect(response.statusCode).toBe(200);
    expect(ids(response.body).sort()).toEqual([placed[0], placed[1]].sort());
  });

  it("answers an unreachable table with an error, never as an order that does not exist", async () => {
    const { handler: cut } = await h.load(() => import("./list-orders"), { AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" });
    const response = await cut(h.event("GET /admin/orders", { query: { id: placed[0]! } }), lambdaContext("admin-list-orders"));
    // An outage the caller may retry: 503 with Retry-After, never 200 with no orders.
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ "retry-after": "1" });
    expect(bodyOf(response)).toEqual({ error: { code: "SERVICE_UNAVAILABLE", message: expect.any(String) } });
  });

  it.each([
    ["an unknown status", { status: "LOST" }],
    ["a limit over 100", { status: "PENDING_PAYMENT", limit: "101" }],
    ["a forged cursor", { status: "PENDING_PAYMENT", cursor: "bm90IGEgY3Vyc29y" }],
    ["id with another filter", { id: "ord_00000000000000000000000000", status: "PENDING_PAYMENT" }],
    ["email with another filter", { email: "ada@example.com", limit: "5" }],
    ["an empty id", { id: "" }],
    ["an email too short", { email: "a@" }],
  ])("answers 400 to %s", async (_name, query) => {
    const response = await list(query);
    expect(response.statusCode).toBe(400);
    expect(response.body.error.code).toBe("VALIDATION_FAILED");
  });
});
