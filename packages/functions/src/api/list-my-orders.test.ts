// GET /me/orders: the signed-in customer's orders (all placed with the email they verified), newest
// first, a page at a time; another customer's orders never appear; a bad limit or cursor, or a
// parameter it does not know, is a 400; no token a 401.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_ORDERS_PAGE } from "@shopwave/core/accounts/customer-orders";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { CUSTOMER, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { pendingOrderRecord, testProduct } from "../../../../test/support/unit-store";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let listMyOrders: (typeof import("./list-my-orders"))["handler"];
const product = testProduct();
const mine: string[] = [];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: listMyOrders } = await h.load(() => import("./list-my-orders")));
  await h.u.putProduct(product);
  // Three of the customer's orders a minute apart (one with their email in another case), and one of someone else's.
  for (const [minute, email] of [[1, CUSTOMER.email], [2, CUSTOMER.email.toUpperCase()], [3, "someone@example.com"], [4, CUSTOMER.email]] as const) {
    const { record } = pendingOrderRecord(h.u.store, { lines: [{ product, quantity: 1 }], expiresAt: 2_000_000_000, now: new Date(`2026-11-30T10:0${minute}:00.000Z`) });
    await h.u.putOrder({ ...record, email: email.toLowerCase() === CUSTOMER.email ? CUSTOMER.email : email });
    if (email.toLowerCase() === CUSTOMER.email) mine.push(record.id);
  }
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const list = async (query: Record<string, string> = {}, token: string | null = h.customerToken) => {
  const response = await listMyOrders(h.event("GET /me/orders", { query, token }), lambdaContext("list-my-orders"));
  return { statusCode: response.statusCode, body: bodyOf(response) };
};
const ids = (body: { items: { id: string }[] }) => body.items.map((order) => order.id);

describe("GET /me/orders", () => {
  it("lists the customer's orders newest first, a page at a time, and nobody else's", async () => {
    const first = await list({ limit: "2" });
    expect(first.statusCode).toBe(200);
    expect(ids(first.body)).toEqual([mine[2], mine[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list({ limit: "2", cursor: first.body.nextCursor });
    expect(second.statusCode).toBe(200);
    expect(ids(second.body)).toEqual([mine[0]]);
    expect(out.logged("request")).toEqual([
      expect.objectContaining({ route: "GET /me/orders", customerId: CUSTOMER.customerId, statusCode: 200 }),
      expect.objectContaining({ route: "GET /me/orders", customerId: CUSTOMER.customerId, statusCode: 200 }),
    ]);
  });

  it("lists ten orders when no limit is asked, and at most the largest page", async () => {
    expect(ids((await list()).body)).toEqual([...mine].reverse());
    expect((await list({ limit: String(MAX_ORDERS_PAGE) })).statusCode).toBe(200);
    // Someone with no orders gets an empty list, not a 404.
    expect(await list({}, h.operatorToken)).toEqual({ statusCode: 200, body: { items: [] } });
  });

  it.each([
    ["a limit of 0", { limit: "0" }],
    ["a limit over the largest page", { limit: String(MAX_ORDERS_PAGE + 1) }],
    ["a fractional limit", { limit: "1.5" }],
    ["an empty cursor", { cursor: "" }],
    ["a cursor too long", { cursor: "a".repeat(1025) }],
    ["a forged cursor", { cursor: "bm90IGEgY3Vyc29y" }],
    ["a parameter it does not know", { status: "CONFIRMED" }],
  ])("answers 400 to %s", async (_name, query) => {
    const { statusCode, body } = await list(query);
    expect(statusCode).toBe(400);
    expect(body.error.code).toBe("VALIDATION_FAILED");
  });

  it("answers 401 without a token", async () => {
    const { statusCode, body } = await list({}, null);
    expect(statusCode).toBe(401);
    expect(body.error.code).toBe("UNAUTHENTICATED");
  });
});
