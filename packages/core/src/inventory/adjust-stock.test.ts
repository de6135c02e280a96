// Operator stock adjustments against DynamoDB Local: the conditions decide what a concurrent
// order and adjustment may do to each other, so only the real engine can show it.
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { cancelOrder, confirmOrder, insertOrderReservingStock } from "../orders/order-store";
import { OutOfStock, StockAdjustmentRefused, ValidationFailed } from "../shared/domain-error";
import { adjustStock, readStockLevels } from "./adjust-stock";
import { stockItemsOf } from "./stock-shards";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const expiresAt = Math.floor(Date.now() / 1000) + 35 * 60;

async function shelf(stock: number, stockShards = 1): Promise<Product> {
  const { product, shards } = stockItemsOf(testProduct({ stock, stockShards }));
  await u.putProduct(product);
  for (const item of shards) await u.store.db.send(new PutCommand({ TableName: u.store.tables.products, Item: item }));
  return { ...product, stock };
}

async function reserve(product: Product, quantity: number) {
  const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity }], expiresAt, checkoutSessionId: `cs_test_${Math.random().toString(36).slice(2)}` });
  return insertOrderReservingStock(u.store, record, [], { shardCounts: new Map([[product.id, product.stockShards ?? 1]]) });
}

const refusal = (attempt: Promise<unknown>) =>
  attempt.then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: unknown) => error,
  );

describe("readStockLevels", () => {
  it("sums available, reserved and sold over every shard", async () => {
    const product = await shelf(10, 4);
    const order = await reserve(product, 3);
    await confirmOrder(u.store, order.id, { sessionId: order.checkoutSessionId!, paymentIntentId: "pi_test_1" }, new Date());
    await reserve(product, 2);
    const levels = await readStockLevels(u.store, product.id);
    expect({ available: levels.available, reserved: levels.reserved, sold: levels.sold }).toEqual({ available: 5, reserved: 2, sold: 3 });
    expect(levels.shards).toHaveLength(4);
  });

  it("is NotFound for a product that does not exist", async () => {
    await expect(readStockLevels(u.store, "no-such-product")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("adjustStock", () => {
  it("adds a delivery to the emptiest shards first and reports before and after", async () => {
    const product = await shelf(4, 4);
    await reserve(product, 1);
    const adjusted = await adjustStock(u.store, { productId: product.id, change: { add: 7 }, reason: "delivery" });
    expect(adjusted).toEqual({ before: { available: 3, reserved: 1 }, after: { available: 10, reserved: 1 } });
    const levels = await readStockLevels(u.store, product.id);
    expect(levels.available).toBe(10);
    expect(Math.max(...levels.shards.map((s) => s.available)) - Math.min(...levels.shards.map((s) => s.available))).toBeLessThanOrEqual(1);
  });

  it("sets on hand (available + reserved), leaving the reserved units alone", async () => {
    const product = await shelf(10, 3);
    await reserve(product, 2);
    const adjusted = await adjustStock(u.store, { productId: product.id, change: { set: 5 }, reason: "stock count" });
    expect(adjusted).toEqual({ before: { available: 8, reserved: 2 }, after: { available: 3, reserved: 2 } });
    const levels = await readStockLevels(u.store, product.id);
    expect([levels.available, levels.reserved]).toEqual([3, 2]);
    // The reason stays on the product for whoever looks next.
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: { id: product.id }, ConsistentRead: true }));
    expect(Item?.lastStockAdjustment).toMatchObject({ reason: "stock count", change: { set: 5 } });
  });

  it("refuses, changing nothing, to set on hand below what unpaid orders reserve or to remove more than is available", async () => {
    const product = await shelf(6, 2);
    await reserve(product, 4);
    const below = await refusal(adjustStock(u.store, { productId: product.id, change: { set: 3 }, reason: "count" }));
    expect(below).toBeInstanceOf(StockAdjustmentRefused);
    expect(below).toMatchObject({ code: "STOCK_ADJUSTMENT_REFUSED", details: { available: 2, reserved: 4, requested: { set: 3 } } });
    const tooMany = await refusal(adjustStock(u.store, { productId: product.id, change: { add: -3 }, reason: "breakage" }));
    expect(tooMany).toMatchObject({ code: "STOCK_ADJUSTMENT_REFUSED", details: { available: 2, reserved: 4 } });
    const levels = await readStockLevels(u.store, product.id);
    expect([levels.available, levels.reserved]).toEqual([2, 4]);
  });

  it("validates the request", async () => {
    const product = await shelf(1);
    for (const change of [{ set: -1 }, { set: 1.5 }, { add: 0 }]) {
      await expect(adjustStock(u.store, { productId: product.id, change, reason: "x" })).rejects.toBeInstanceOf(ValidationFailed);
    }
    await expect(adjustStock(u.store, { productId: product.id, change: { add: 1 }, reason: "  " })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(adjustStock(u.store, { productId: "no-such-product", change: { add: 1 }, reason: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("writes the caller's items in the same transaction, and writes nothing when one is refused", async () => {
    const product = await shelf(5, 2);
    const auditId = `audit-${Math.random().toString(36).slice(2)}`;
    const audit = (adjustment: { before: unknown; after: unknown }) => [
      {
        Put: {
          TableName: u.store.tables.rateLimits,
          Item: { id: auditId, before: adjustment.before, after: adjustment.after },
          ConditionExpression: "attribute_not_exists(id)",
        },
      },
    ];
    await adjustStock(u.store, { productId: product.id, change: { add: 2 }, reason: "delivery" }, { alsoWrite: audit });
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.rateLimits, Key: { id: auditId }, ConsistentRead: true }));
    expect(Item).toMatchObject({ before: { available: 5, reserved: 0 }, after: { available: 7, reserved: 0 } });
    // The same audit id again: its condition fails, so the stock does not move either.
    const error = await refusal(adjustStock(u.store, { productId: product.id, change: { add: 2 }, reason: "delivery" }, { alsoWrite: audit }));
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((await readStockLevels(u.store, product.id)).available).toBe(7);
  });

  it("never leaves available below zero while orders reserve, confirm and cancel concurrently", async () => {
    const product = await shelf(40, 4);
    const orders = Array.from({ length: 30 }, (_, i) =>
      reserve(product, 1 + (i % 2)).then(
        async (order) => {
          if (i % 3 === 0) await cancelOrder(u.store, order.id, "cancelled_by_shopper", new Date());
          else if (i % 3 === 1) await confirmOrder(u.store, order.id, { sessionId: order.checkoutSessionId!, paymentIntentId: `pi_${i}` }, new Date());
          return order;
        },
        (error: unknown) => {
          if (error instanceof OutOfStock) return undefined;
          throw error;
        },
      ),
    );
    const removals = Array.from({ length: 10 }, () =>
      adjustStock(u.store, { productId: product.id, change: { add: -3 }, reason: "shrinkage" }).then(
        (adjusted) => adjusted.before.available - adjusted.after.available,
        (error: unknown) => {
          if (error instanceof StockAdjustmentRefused) return 0;
          throw error;
        },
      ),
    );
    const [placed, removed] = await Promise.all([Promise.all(orders), Promise.all(removals)]);
    const levels = await readStockLevels(u.store, product.id);
    expect(levels.shards.every((s) => s.available >= 0 && s.reserved >= 0)).toBe(true);
    const stillReserved = placed.filter((o, i) => o && i % 3 === 2).reduce((sum, o) => sum + o!.items[0]!.quantity, 0);
    const sold = placed.filter((o, i) => o && i % 3 === 1).reduce((sum, o) => sum + o!.items[0]!.quantity, 0);
    expect(levels.reserved).toBe(stillReserved);
    expect(levels.sold).toBe(sold);
    expect(levels.available + levels.reserved + levels.sold).toBe(40 - removed.reduce((a, b) => a + b, 0));
  });
});
