// The stock writes against DynamoDB Local: the conditions are the whole point (no overselling, no
// stock-only ghost items), and only a real DynamoDB evaluates them.
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { releaseStockItem, reserveStockItem, type TransactItem } from "./stock-writes";

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
  it("puts the quantity back", async () => {
    const product = testProduct({ stock: 1 });
    await u.putProduct(product);
    await run(releaseStockItem(u.store.tables.products, { productId: product.id, quantity: 4 }));
    expect(await u.stockOf(product.id)).toBe(5);
  });

  it("never resurrects a deleted product as a stock-only item", async () => {
    const product = testProduct({ stock: 3 });
    await u.putProduct(product);
    await u.store.db.send(new DeleteCommand({ TableName: u.store.tables.products, Key: { id: product.id } }));
    const error = await refusal(run(releaseStockItem(u.store.tables.products, { productId: product.id, quantity: 2 })));
    expect(error.CancellationReasons?.[0]?.Code).toBe("ConditionalCheckFailed");
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: { id: product.id }, ConsistentRead: true }));
    expect(Item).toBeUndefined();
  });
});
