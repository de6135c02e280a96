// The console's orders-by-status listing on DynamoDB Local: written by order creation and by every
// status change (an order moves between lists), newest first across the index shards, each order
// exactly once however the pages fall, within a date range, and a forged cursor is a 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { NotFound, ValidationFailed } from "../shared/domain-error";
import type { OrderRecord } from "../orders/order";
import { cancelOrder, confirmOrder, insertOrderReservingStock, statusShardFor } from "../orders/order-store";
import { getAdminOrder, listOrdersByEmail, listOrdersByStatus, type OrderListQuery } from "./list-orders";

let u: UnitStore;
const placed: OrderRecord[] = [];
const base = Date.UTC(2031, 4, 1, 9, 0);

beforeAll(async () => {
  u = await createUnitStore();
  const product = testProduct({ stock: 100 });
  await u.putProduct(product);
  // 9 orders a minute apart, written the way createOrder writes them (with their reservation).
  for (let i = 0; i < 9; i++) {
    const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: base / 1000 + 3600, checkoutSessionId: `cs_list_${i}`, now: new Date(base + i * 60_000) });
    await insertOrderReservingStock(u.store, record);
    placed.push(record);
  }
});
afterAll(() => u?.destroy());

async function everyPage(query: Omit<OrderListQuery, "cursor">): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = await listOrdersByStatus(u.store, { ...query, ...(cursor ? { cursor } : {}) });
    ids.push(...page.orders.map((order) => order.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error("the cursor never ended");
}

describe("listOrdersByStatus", () => {
  it("lists each status newest first, every order once whatever the page size, and moves orders with their status", async () => {
    const newestFirst = [...placed].reverse().map((order) => order.id);
    for (const limit of [1, 2, 4, 25]) expect(await everyPage({ status: "PENDING_PAYMENT", limit })).toEqual(newestFirst);

    const now = new Date(base + 3600_000);
    await confirmOrder(u.store, placed[2]!.id, { sessionId: "cs_list_2", paymentIntentId: "pi_list_2" }, now);
    await confirmOrder(u.store, placed[5]!.id, { sessionId: "cs_list_5", paymentIntentId: "pi_list_5" }, now);
    await cancelOrder(u.store, placed[7]!.id, "cancelled_by_operator", now);

    expect(await everyPage({ status: "CONFIRMED", limit: 1 })).toEqual([placed[5]!.id, placed[2]!.id]);
    expect(await everyPage({ status: "CANCELLED", limit: 3 })).toEqual([placed[7]!.id]);
    expect(await everyPage({ status: "PENDING_PAYMENT", limit: 2 })).toEqual(newestFirst.filter((id) => ![placed[2], placed[5], placed[7]].some((o) => o!.id === id)));
    expect(await everyPage({ status: "REFUNDED", limit: 5 })).toEqual([]);
    // What an operator sees carries no token hash or index bookkeeping.
    const [shown] = (await listOrdersByStatus(u.store, { status: "CONFIRMED", limit: 1 })).orders;
    expect(shown).toMatchObject({ id: placed[5]!.id, status: "CONFIRMED", paymentIntentId: "pi_list_5", refundedCents: 0 });
    expect(Object.keys(shown!)).not.toEqual(expect.arrayContaining(["accessTokenHash"]));
    expect(shown).not.toHaveProperty("statusShard");
    expect(shown).not.toHaveProperty("listedAt");
  });

  it("keeps to a creation date range: from inclusive, to exclusive", async () => {
    const from = new Date(base + 1 * 60_000).toISOString();
    const to = new Date(base + 4 * 60_000).toISOString();
    const ids = await everyPage({ status: "PENDING_PAYMENT", limit: 1, from, to });
    expect(ids).toEqual([placed[3]!.id, placed[1]!.id]); // 2 is confirmed by now
    await expect(listOrdersByStatus(u.store, { status: "PENDING_PAYMENT", limit: 5, from: to, to: from })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it("refuses a forged cursor", async () => {
    await expect(listOrdersByStatus(u.store, { status: "CONFIRMED", limit: 5, cursor: "nope" })).rejects.toBeInstanceOf(ValidationFailed);
    const forged = Buffer.from(JSON.stringify({ before: "x", extra: 1 })).toString("base64url");
    await expect(listOrdersByStatus(u.store, { status: "CONFIRMED", limit: 5, cursor: forged })).rejects.toBeInstanceOf(ValidationFailed);
  });
});

describe("listOrdersByStatus, page ends", () => {
  it("gives no cursor when the page holds the rest, and an empty list for a range that starts where it ends", async () => {
    const all = await listOrdersByStatus(u.store, { status: "PENDING_PAYMENT", limit: 25 });
    expect(all.orders).toHaveLength(6);
    expect(all.nextCursor).toBeUndefined();
    // Exactly `limit` orders: no next page to offer.
    expect(await listOrdersByStatus(u.store, { status: "PENDING_PAYMENT", limit: 6 })).toEqual({ orders: all.orders });
    const at = new Date(base + 3 * 60_000).toISOString();
    expect(await listOrdersByStatus(u.store, { status: "PENDING_PAYMENT", limit: 5, from: at, to: at })).toEqual({ orders: [] });
  });

  it("offers the next page when one shard alone filled its query below the cursor", async () => {
    // Three refunded orders whose ids all land on the same shard: the second page's query there
    // returns the cursor's own order and one more (its Limit), so only its LastEvaluatedKey says a third exists.
    const product = testProduct({ stock: 10 });
    const sameShard: OrderRecord[] = [];
    for (let i = 0; sameShard.length < 3; i++) {
      const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: base / 1000, now: new Date(base - (i + 1) * 60_000) });
      const statusShard = statusShardFor(record.id, "REFUNDED", u.store.indexes.byStatus.shardCount);
      if (statusShard.endsWith("#0")) sameShard.push({ ...record, status: "REFUNDED", statusShard });
    }
    for (const record of sameShard) await u.putOrder(record);
    expect(await everyPage({ status: "REFUNDED", limit: 1 })).toEqual(sameShard.map((order) => order.id));
  });
});

describe("getAdminOrder and listOrdersByEmail", () => {
  it("shows one order, and answers NotFound for an unknown id or one that is no order id at all", async () => {
    expect(await getAdminOrder(u.store, placed[0]!.id)).toMatchObject({ id: placed[0]!.id, status: "PENDING_PAYMENT", refundedCents: 0 });
    expect(await getAdminOrder(u.store, placed[0]!.id)).not.toHaveProperty("accessTokenHash");
    await expect(getAdminOrder(u.store, "ord_01jz0000000000000000000000")).rejects.toThrow(new NotFound("Order"));
    // Longer than any DynamoDB key may be: refused before it is looked up.
    await expect(getAdminOrder(u.store, `ord_${"x".repeat(3000)}`)).rejects.toThrow(new NotFound("Order"));
  });

  it("lists one email's orders, newest first, however the address is written, up to the limit asked (at least one, at most a page)", async () => {
    const newestFirst = (await listOrdersByEmail(u.store, "shopper@example.com", 100)).orders.map((order) => order.id);
    expect(newestFirst.slice(0, 9)).toEqual([...placed].reverse().map((order) => order.id));
    expect((await listOrdersByEmail(u.store, "  Shopper@Example.COM ")).orders.map((order) => order.id)).toEqual(newestFirst);
    expect((await listOrdersByEmail(u.store, "shopper@example.com", 2)).orders.map((order) => order.id)).toEqual(newestFirst.slice(0, 2));
    expect((await listOrdersByEmail(u.store, "shopper@example.com", 0)).orders).toHaveLength(1);
    expect((await listOrdersByEmail(u.store, "shopper@example.com", 1000)).orders).toHaveLength(newestFirst.length);
    const [shown] = (await listOrdersByEmail(u.store, "shopper@example.com", 1)).orders;
    expect(shown).toMatchObject({ id: newestFirst[0], refundedCents: expect.any(Number) });
    expect(shown).not.toHaveProperty("accessTokenHash");
    expect(await listOrdersByEmail(u.store, "nobody@example.com")).toEqual({ orders: [] });
  });
});
