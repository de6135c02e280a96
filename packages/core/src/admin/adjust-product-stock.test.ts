// adjustProductStock against DynamoDB Local: the stock moves and its audit entry is written in one
// transaction, keyed by the client's request id, so a double submit moves the stock once; a
// refusal is audited as failed and moves nothing. (The stock rules themselves are tested in
// inventory/adjust-stock.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { readStockLevels } from "../inventory/adjust-stock";
import { insertOrderReservingStock } from "../orders/order-store";
import { StockAdjustmentRefused } from "../shared/domain-error";
import { listAuditEntries, type AuditLog } from "./audit-log";
import { adjustProductStock, StockAdjustmentInput } from "./adjust-product-stock";

let u: UnitStore;
let audit: AuditLog;
beforeAll(async () => {
  u = await createUnitStore();
  audit = u.audit;
});
afterAll(() => u?.destroy());

const operator = { id: "acct_operator", email: "ops@shop.example" };
const now = new Date("2030-01-01T12:00:00.000Z");
const deps = () => ({ store: u.store, audit, now: () => now });
const requestId = () => `req_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const entriesFor = async (productId: string) => (await listAuditEntries(audit, { target: `product:${productId}`, limit: 10 })).entries;

const shelf = (stock: number, stockShards = 1) => u.shelve(stock, stockShards);

async function reserve(product: Product, quantity: number) {
  const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity }], expiresAt: Math.floor(now.getTime() / 1000) + 3600, checkoutSessionId: `cs_test_${Math.random().toString(36).slice(2)}` });
  await insertOrderReservingStock(u.store, record, [], { shardCounts: new Map([[product.id, product.stockShards ?? 1]]) });
}

describe("adjustProductStock", () => {
  it("adds a delivery and audits it with the levels before and after, under the request's id", async () => {
    const product = await shelf(5);
    await reserve(product, 2);
    const input = { requestId: requestId(), change: { add: 10 }, reason: "Delivery from the maker" };
    const outcome = await adjustProductStock(deps(), operator, product.id, input);
    expect(outcome).toEqual({ before: { available: 3, reserved: 2 }, after: { available: 13, reserved: 2 }, replayed: false });
    expect(await entriesFor(product.id)).toEqual([
      {
        id: `aud_stock_${input.requestId}`,
        log: "audit",
        at: now.toISOString(),
        operatorId: operator.id,
        operatorEmail: operator.email,
        action: "stock.adjust",
        target: `product:${product.id}`,
        reason: "Delivery from the maker",
        before: { available: 3, reserved: 2 },
        after: { available: 13, reserved: 2, change: { add: 10 } },
        result: "succeeded",
      },
    ]);
  });

  it("moves the stock once when the same request is sent twice, and says the repeat was a replay", async () => {
    const product = await shelf(4, 4);
    const input = { requestId: requestId(), change: { add: 3 }, reason: "Found a box" };
    await adjustProductStock(deps(), operator, product.id, input);
    const again = await adjustProductStock(deps(), operator, product.id, input);
    expect(again).toEqual({ before: { available: 7, reserved: 0 }, after: { available: 7, reserved: 0 }, replayed: true });
    expect((await readStockLevels(u.store, product.id)).available).toBe(7);
    expect(await entriesFor(product.id)).toHaveLength(1);
  });

  it("sets the count on hand: never below what unpaid orders hold, and a refusal is audited as failed with nothing moved", async () => {
    const product = await shelf(10);
    await reserve(product, 4);
    const input = { requestId: requestId(), change: { set: 3 }, reason: "Stocktake" };
    const refusal = await adjustProductStock(deps(), operator, product.id, input).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StockAdjustmentRefused);
    expect(await readStockLevels(u.store, product.id)).toMatchObject({ available: 6, reserved: 4 });
    expect(await entriesFor(product.id)).toEqual([
      expect.objectContaining({
        id: `aud_stock_${input.requestId}_refused`,
        result: "failed",
        reason: "Stocktake",
        before: { available: 6, reserved: 4 },
        after: { change: { set: 3 } },
        error: (refusal as Error).message,
        at: now.toISOString(),
      }),
    ]);
    // The refused request's id is still free: the same form, corrected, goes through.
    const corrected = await adjustProductStock(deps(), operator, product.id, { ...input, change: { set: 4 } });
    expect(corrected).toEqual({ before: { available: 6, reserved: 4 }, after: { available: 0, reserved: 4 }, replayed: false });
  });

  it("lets a failure that is not its own audit entry through: a gone product is NotFound, audited nowhere", async () => {
    await expect(adjustProductStock(deps(), operator, "no-such-product", { requestId: requestId(), change: { add: 1 }, reason: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await entriesFor("no-such-product")).toEqual([]);
  });

  it("rethrows an outage of the stock table as it is: not audited, not taken for a replay", async () => {
    const product = await shelf(3);
    const outage = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const store = { ...u.store, db: { send: () => Promise.reject(outage) } as unknown as typeof u.store.db };
    await expect(adjustProductStock({ ...deps(), store }, operator, product.id, { requestId: requestId(), change: { add: 1 }, reason: "x" })).rejects.toBe(outage);
    expect(await entriesFor(product.id)).toEqual([]);
  });

  it("stamps the audit entry with the real clock when none is given (as the handler calls it)", async () => {
    const product = await shelf(1);
    const before = Date.now();
    await adjustProductStock({ store: u.store, audit }, operator, product.id, { requestId: requestId(), change: { add: 1 }, reason: "no clock" });
    const [entry] = await entriesFor(product.id);
    expect(Date.parse(entry!.at)).toBeGreaterThanOrEqual(before);
  });
});

describe("StockAdjustmentInput", () => {
  it("takes a set or a non-zero add with a reason and a client id, and nothing else", () => {
    const ok = { requestId: "a".repeat(16), change: { add: -2 }, reason: "  Broken in the warehouse  " };
    expect(StockAdjustmentInput.parse(ok)).toEqual({ ...ok, reason: "Broken in the warehouse" });
    expect(StockAdjustmentInput.safeParse({ ...ok, change: { set: 0 } }).success).toBe(true);
    for (const bad of [
      { ...ok, requestId: "a".repeat(15) },
      { ...ok, requestId: "a".repeat(65) },
      { ...ok, requestId: `${"a".repeat(16)}!` },
      { ...ok, change: { add: 0 } },
      { ...ok, change: { add: 1.5 } },
      { ...ok, change: { set: -1 } },
      { ...ok, change: { set: 1, add: 1 } },
      { ...ok, reason: "   " },
      { ...ok, reason: "x".repeat(501) },
      { ...ok, priceCents: 1 },
    ]) {
      expect(StockAdjustmentInput.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
