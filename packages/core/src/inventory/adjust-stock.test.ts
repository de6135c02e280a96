// Operator stock adjustments against DynamoDB Local: the conditions decide what a concurrent
// order and adjustment may do to each other, so only the real engine can show it.
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingStore, createUnitStore, pendingOrderRecord, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { cancelOrder, confirmOrder, insertOrderReservingStock } from "../orders/order-store";
import { ConcurrencyLimit, NotFound, OutOfStock, StockAdjustmentRefused, ValidationFailed } from "../shared/domain-error";
import { adjustStock, readStockLevels } from "./adjust-stock";
import { stockShardKey } from "./stock-shards";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const expiresAt = Math.floor(Date.now() / 1000) + 35 * 60;

const shelf = (stock: number, stockShards = 1) => u.shelve(stock, stockShards);

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

/** The real store, recording every command sent through it; `before` runs ahead of each (a rival writer). */
const recording = (before?: (command: unknown) => Promise<void>) => recordingStore(u.store, before);

const transactions = (sent: unknown[]) => sent.filter((command): command is TransactWriteCommand => command instanceof TransactWriteCommand);

/** Runs `rival` ahead of the first `times` transactions only (bounded, so a retry loop past its limit still ends). */
function rivalBefore(times: number, rival: () => Promise<unknown>) {
  let count = 0;
  return recording(async (command) => {
    if (command instanceof TransactWriteCommand && count++ < times) await rival();
  });
}

const onHand = async (productId: string) => {
  const levels = await readStockLevels(u.store, productId);
  return { available: levels.available, reserved: levels.reserved, sold: levels.sold };
};

const cancellation = (codes: string[]) =>
  Object.assign(new Error("Transaction cancelled"), { name: "TransactionCanceledException", CancellationReasons: codes.map((Code) => ({ Code })) });

describe("adjustStock: request boundaries", () => {
  it("takes a reason of up to 500 characters, refusing 501 with the rule in its message", async () => {
    const product = await shelf(3);
    await adjustStock(u.store, { productId: product.id, change: { add: 1 }, reason: "r".repeat(500) });
    const error = await refusal(adjustStock(u.store, { productId: product.id, change: { add: 1 }, reason: "r".repeat(501) }));
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).message).toBe("A stock adjustment needs a reason (1–500 characters).");
    expect((await readStockLevels(u.store, product.id)).available).toBe(4);
  });

  it("sets on hand to 0, and says which change it refused", async () => {
    const product = await shelf(3, 2);
    expect(await adjustStock(u.store, { productId: product.id, change: { set: 0 }, reason: "recall" })).toEqual({ before: { available: 3, reserved: 0 }, after: { available: 0, reserved: 0 } });
    expect(await onHand(product.id)).toEqual({ available: 0, reserved: 0, sold: 0 });
    const error = await refusal(adjustStock(u.store, { productId: product.id, change: { set: -1 }, reason: "x" }));
    expect(error).toMatchObject({ message: "set must be a whole number ≥ 0; add a whole number other than 0.", details: { change: { set: -1 } } });
  });

  it("removes every available unit, down to exactly 0, and not one more", async () => {
    const product = await shelf(5, 2);
    await reserve(product, 1);
    expect(await adjustStock(u.store, { productId: product.id, change: { add: -4 }, reason: "breakage" })).toEqual({ before: { available: 4, reserved: 1 }, after: { available: 0, reserved: 1 } });
    await expect(adjustStock(u.store, { productId: product.id, change: { add: -1 }, reason: "breakage" })).rejects.toBeInstanceOf(StockAdjustmentRefused);
    const two = await shelf(2);
    expect(await adjustStock(u.store, { productId: two.id, change: { set: 0 }, reason: "count" })).toMatchObject({ after: { available: 0 } });
  });

  it("is NotFound for a malformed product id without asking DynamoDB, naming at most 64 characters of it", async () => {
    const { store, sent } = recording();
    const long = "x".repeat(3000);
    const error = await refusal(adjustStock(store, { productId: long, change: { add: 1 }, reason: "x" }));
    expect(error).toBeInstanceOf(NotFound);
    expect((error as NotFound).message).toBe(`Product ${"x".repeat(64)} was not found.`);
    await expect(readStockLevels(store, "")).rejects.toBeInstanceOf(NotFound);
    expect(sent).toEqual([]);
    const missing = await refusal(readStockLevels(store, "no-such-product"));
    expect((missing as NotFound).message).toBe("Product no-such-product was not found.");
  });

  it("reads the product item and its shards strongly consistent", async () => {
    const product = await shelf(8, 3);
    const { store, sent } = recording();
    await adjustStock(store, { productId: product.id, change: { set: 6 }, reason: "count" });
    const gets = sent.filter((c): c is GetCommand => c instanceof GetCommand);
    const batches = sent.filter((c): c is BatchGetCommand => c instanceof BatchGetCommand);
    expect(gets).toHaveLength(1);
    expect(batches).toHaveLength(1);
    expect(gets[0]!.input.ConsistentRead).toBe(true);
    expect(Object.values(batches[0]!.input.RequestItems!).every((request) => request.ConsistentRead === true)).toBe(true);
  });
});

describe("adjustStock: a set racing sales and other adjustments", () => {
  it("reads again when an order is paid between its read and its write, so on hand ends exactly as asked", async () => {
    const product = await shelf(10);
    const order = await reserve(product, 2);
    const audit = `audit-${Math.random().toString(36).slice(2)}`;
    const { store, sent } = rivalBefore(1, () => confirmOrder(u.store, order.id, { sessionId: order.checkoutSessionId!, paymentIntentId: "pi_race_1" }, new Date()));
    const adjusted = await adjustStock(
      store,
      { productId: product.id, change: { set: 5 }, reason: "count" },
      { alsoWrite: [{ Put: { TableName: u.store.tables.rateLimits, Item: { id: audit }, ConditionExpression: "attribute_not_exists(id)" } }] },
    );
    expect(transactions(sent)).toHaveLength(2);
    expect(adjusted).toEqual({ before: { available: 8, reserved: 0 }, after: { available: 5, reserved: 0 } });
    expect(await onHand(product.id)).toEqual({ available: 5, reserved: 0, sold: 2 });
  });

  it("reads again when a sale lands on a shard the set does not change", async () => {
    // Shards of 1, 1 and 6: a reduction takes from the fullest, shard 2, and only checks shard 1.
    const two = await shelf(0, 3);
    for (const [shard, stock] of [[0, 1], [1, 1], [2, 6]] as const) {
      await u.store.db.send(
        new PutCommand({ TableName: u.store.tables.products, Item: shard === 0 ? { ...two, stockShards: 3, stock } : { ...stockShardKey(two.id, shard), stockShardOf: two.id, shard, stock } }),
      );
    }
    const rivalSale = async () => {
      // Shard 1 sells a unit: stock 1 → sold 1 (an order reserved and paid in one step, for brevity).
      await u.store.db.send(
        new PutCommand({ TableName: u.store.tables.products, Item: { ...stockShardKey(two.id, 1), stockShardOf: two.id, shard: 1, stock: 0, reserved: 0, sold: 1 } }),
      );
    };
    const { store, sent } = rivalBefore(1, rivalSale);
    // On hand 8, set 6: take 2 from shard 2 only; shards 0 and 1 are checked, not written.
    await adjustStock(store, { productId: two.id, change: { set: 6 }, reason: "count" });
    const first = transactions(sent)[0]!.input.TransactItems!;
    expect(first.map((item) => Object.keys(item)[0])).toEqual(["Update", "ConditionCheck", "Update"]);
    expect(transactions(sent)).toHaveLength(2);
    expect(await onHand(two.id)).toEqual({ available: 6, reserved: 0, sold: 1 });
    // Only the product item counts adjustments and keeps the last one.
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: stockShardKey(two.id, 2), ConsistentRead: true }));
    expect(Item?.lastStockAdjustment).toBeUndefined();
    expect(Item?.stockAdjustments).toBeUndefined();
  });

  it("reads again when another adjustment lands between its read and its write", async () => {
    const product = await shelf(10);
    const { store, sent } = rivalBefore(1, () => adjustStock(u.store, { productId: product.id, change: { add: 3 }, reason: "delivery" }));
    await adjustStock(store, { productId: product.id, change: { set: 5 }, reason: "count" });
    expect(transactions(sent)).toHaveLength(2);
    expect(await onHand(product.id)).toEqual({ available: 5, reserved: 0, sold: 0 });
  });

  it("gives up with ConcurrencyLimit after 6 tries when adjustments keep landing, having written nothing of its own", async () => {
    const product = await shelf(10);
    const { store, sent } = rivalBefore(12, () => adjustStock(u.store, { productId: product.id, change: { add: 1 }, reason: "delivery" }));
    const error = await refusal(adjustStock(store, { productId: product.id, change: { set: 5 }, reason: "count" }));
    expect(error).toBeInstanceOf(ConcurrencyLimit);
    expect((error as ConcurrencyLimit).message).toBe(`The stock of ${product.id} kept changing while it was adjusted; please retry.`);
    expect(transactions(sent)).toHaveLength(6);
    expect((await onHand(product.id)).available).toBe(16);
  });

  it("does not retry an add for a sale or another adjustment meanwhile: adds commute", async () => {
    const product = await shelf(10);
    const order = await reserve(product, 2);
    const { store, sent } = rivalBefore(1, async () => {
      await confirmOrder(u.store, order.id, { sessionId: order.checkoutSessionId!, paymentIntentId: "pi_race_2" }, new Date());
      await adjustStock(u.store, { productId: product.id, change: { add: 1 }, reason: "delivery" });
    });
    await adjustStock(store, { productId: product.id, change: { add: -4 }, reason: "breakage" });
    expect(transactions(sent)).toHaveLength(1);
    expect(await onHand(product.id)).toEqual({ available: 5, reserved: 0, sold: 2 });
  });
});

describe("adjustStock: refusals it passes on", () => {
  it("marks where the caller's items start when one of them is refused", async () => {
    const product = await shelf(5, 2);
    const audit = [{ Put: { TableName: u.store.tables.rateLimits, Item: { id: `audit-${Math.random().toString(36).slice(2)}` }, ConditionExpression: "attribute_not_exists(id)" } }];
    await adjustStock(u.store, { productId: product.id, change: { add: 2 }, reason: "delivery" }, { alsoWrite: audit });
    const error = await refusal(adjustStock(u.store, { productId: product.id, change: { add: 2 }, reason: "delivery" }, { alsoWrite: audit }));
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error).toMatchObject({ alsoWriteOffset: 2 });
  });

  it("passes on an outage or a cancellation that is not a failed condition at once, without retrying", async () => {
    const product = await shelf(4);
    for (const failure of [new Error("DynamoDB unavailable"), cancellation(["ValidationError"])]) {
      const sent: unknown[] = [];
      const db = {
        send: (command: unknown) => {
          sent.push(command);
          return command instanceof TransactWriteCommand ? Promise.reject(failure) : u.store.db.send(command as never);
        },
      };
      await expect(adjustStock({ ...u.store, db: db as unknown as DynamoDBDocumentClient }, { productId: product.id, change: { add: 1 }, reason: "x" })).rejects.toBe(failure);
      expect(transactions(sent)).toHaveLength(1);
    }
  });
});
