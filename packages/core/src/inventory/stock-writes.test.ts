// The stock writes against DynamoDB Local: the conditions are the whole point (no overselling, no
// stock-only ghost items), and only a real DynamoDB evaluates them.
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { readStockLevels } from "./adjust-stock";
import { stockItemsOf } from "./stock-shards";
import { releaseStockItem, releaseUntrackedStockItem, reserveStockItem, sellStockItem, type TransactItem } from "./stock-writes";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const run = (...items: TransactItem[]) => u.store.db.send(new TransactWriteCommand({ TransactItems: items }));

async function refusal(write: Promise<unknown>): Promise<TransactionCanceledException> {
  const error = await write.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TransactionCanceledException);
  return error as TransactionCanceledException;
}

describe("reserveStockItem", () => {
  it("takes the quantity off the stock, down to exactly zero", async () => {
    const product = testProduct({ stock: 5 });
    await u.putProduct(product);
    await run(reserveStockItem(u.store.tables.products, { productId: product.id, quantity: 3 }));
    expect(await u.stockOf(product.id)).toBe(2);
    await run(reserveStockItem(u.store.tables.products, { productId: product.id, quantity: 2 }));
    expect(await u.stockOf(product.id)).toBe(0);
  });

  it("refuses more than the stock, leaves it untouched and reports what was there", async () => {
    const product = testProduct({ stock: 2 });
    await u.putProduct(product);
    const error = await refusal(run(reserveStockItem(u.store.tables.products, { productId: product.id, quantity: 3 })));
    expect(error.CancellationReasons?.[0]?.Code).toBe("ConditionalCheckFailed");
    // ALL_OLD lets the caller tell the shopper how many are left without a second read.
    expect(error.CancellationReasons?.[0]?.Item?.stock).toEqual({ N: "2" });
    expect(await u.stockOf(product.id)).toBe(2);
  });

  it("refuses a product that does not exist instead of creating a negative stock-only item", async () => {
    const missing = testProduct();
    const error = await refusal(run(reserveStockItem(u.store.tables.products, { productId: missing.id, quantity: 1 })));
    expect(error.CancellationReasons?.[0]?.Code).toBe("ConditionalCheckFailed");
    expect(await u.stockOf(missing.id)).toBeUndefined();
  });

  it("is all or nothing with the other writes of its transaction", async () => {
    const plenty = testProduct({ stock: 10 });
    const scarce = testProduct({ stock: 1 });
    await u.putProduct(plenty);
    await u.putProduct(scarce);
    const error = await refusal(
      run(
        reserveStockItem(u.store.tables.products, { productId: plenty.id, quantity: 4 }),
        reserveStockItem(u.store.tables.products, { productId: scarce.id, quantity: 2 }),
      ),
    );
    expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(["None", "ConditionalCheckFailed"]);
    expect(await u.stockOf(plenty.id)).toBe(10);
    expect(await u.stockOf(scarce.id)).toBe(1);
  });
});

describe("releaseStockItem", () => {
  it("puts the quantity back from reserved to stock", async () => {
    const product = testProduct({ stock: 5 });
    await u.putProduct(product);
    await run(reserveStockItem(u.store.tables.products, { productId: product.id, quantity: 4 }));
    await run(releaseStockItem(u.store.tables.products, { productId: product.id, shard: 0, quantity: 4 }));
    expect(await levels(product.id)).toEqual({ stock: 5, reserved: 0, sold: undefined });
  });

  it("refuses to release more than is reserved (a release that ran twice would invent stock)", async () => {
    const product = testProduct({ stock: 5 });
    await u.putProduct(product);
    await run(reserveStockItem(u.store.tables.products, { productId: product.id, quantity: 1 }));
    const error = await refusal(run(releaseStockItem(u.store.tables.products, { productId: product.id, shard: 0, quantity: 2 })));
    expect(error.CancellationReasons?.[0]?.Code).toBe("ConditionalCheckFailed");
    expect(await levels(product.id)).toEqual({ stock: 4, reserved: 1, sold: undefined });
  });

  it("never resurrects a deleted product as a stock-only item", async () => {
    const product = testProduct({ stock: 3 });
    await u.putProduct(product);
    await u.store.db.send(new DeleteCommand({ TableName: u.store.tables.products, Key: { id: product.id } }));
    const error = await refusal(run(releaseStockItem(u.store.tables.products, { productId: product.id, shard: 0, quantity: 2 })));
    expect(error.CancellationReasons?.[0]?.Code).toBe("ConditionalCheckFailed");
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: { id: product.id }, ConsistentRead: true }));
    expect(Item).toBeUndefined();
  });
});

describe("sellStockItem", () => {
  it("moves reserved units to sold, and never more than are reserved", async () => {
    const product = testProduct({ stock: 5 });
    await u.putProduct(product);
    await run(reserveStockItem(u.store.tables.products, { productId: product.id, quantity: 3 }));
    await run(sellStockItem(u.store.tables.products, { productId: product.id, shard: 0, quantity: 2 }));
    expect(await levels(product.id)).toEqual({ stock: 2, reserved: 1, sold: 2 });
    const error = await refusal(run(sellStockItem(u.store.tables.products, { productId: product.id, shard: 0, quantity: 2 })));
    expect(error.CancellationReasons?.[0]?.Code).toBe("ConditionalCheckFailed");
  });
});

describe("shards", () => {
  it("each shard is its own item with its own condition", async () => {
    const product = testProduct({ stock: 9, stockShards: 3 });
    const { product: item, shards } = stockItemsOf(product);
    await u.putProduct(item);
    for (const shard of shards) await u.store.db.send(new PutCommand({ TableName: u.store.tables.products, Item: shard }));
    expect([item.stock, ...shards.map((s) => s.stock)]).toEqual([3, 3, 3]);
    await run(reserveStockItem(u.store.tables.products, { productId: product.id, shard: 2, quantity: 3 }));
    const error = await refusal(run(reserveStockItem(u.store.tables.products, { productId: product.id, shard: 2, quantity: 1 })));
    expect(error.CancellationReasons?.[0]?.Item?.stock).toEqual({ N: "0" });
    expect((await readStockLevels(u.store, product.id)).shards).toEqual([
      { shard: 0, available: 3, reserved: 0, sold: 0 },
      { shard: 1, available: 3, reserved: 0, sold: 0 },
      { shard: 2, available: 0, reserved: 3, sold: 0 },
    ]);
  });
});

describe("releaseUntrackedStockItem", () => {
  it("puts an order's units back on the product item's stock, as before stock was sharded", async () => {
    const product = testProduct({ stock: 1 });
    await u.putProduct(product);
    await run(releaseUntrackedStockItem(u.store.tables.products, { productId: product.id, quantity: 4 }));
    expect(await levels(product.id)).toEqual({ stock: 5, reserved: undefined, sold: undefined });
  });
});

async function levels(productId: string) {
  const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: { id: productId }, ConsistentRead: true }));
  return { stock: Item?.stock, reserved: Item?.reserved, sold: Item?.sold };
}
