// reshardStock against DynamoDB Local: what it refuses, how it spreads the units, and what happens
// when an order takes units (or something else goes wrong) between its read and its write: a rival
// writer runs ahead of the transaction through a recording store.
import { BatchGetCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingStore, createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { ConcurrencyLimit, NotFound, ValidationFailed } from "../shared/domain-error";
import { readStockLevels } from "./adjust-stock";
import { reshardStock } from "./reshard-stock";
import { MAX_STOCK_SHARDS, stockShardKey } from "./stock-shards";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

/** A product in `stockShards` shards (none given: a product item without the attribute, as most are). */
const shelf = (stock: number, stockShards?: number) => u.shelve(stock, stockShards);

/** The real store, recording every command sent through it; `before` runs ahead of each (a rival writer). */
const recording = (before?: (command: unknown) => Promise<void>) => recordingStore(u.store, before);

const transactions = (sent: unknown[]) => sent.filter((command): command is TransactWriteCommand => command instanceof TransactWriteCommand);

async function shardStocks(productId: string, count: number): Promise<(number | undefined)[]> {
  const stocks: (number | undefined)[] = [];
  for (let shard = 0; shard < count; shard++) {
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: stockShardKey(productId, shard), ConsistentRead: true }));
    stocks.push(Item === undefined ? undefined : Number(Item.stock));
  }
  return stocks;
}

/** An order reserving units of shard 0 so that the take the transaction carries for it no longer fits. */
async function reserveAllButTakeMinusOne(command: TransactWriteCommand, productId: string): Promise<void> {
  const take = Number(command.input.TransactItems![0]!.Update!.ExpressionAttributeValues![":take"]);
  const [stock] = await shardStocks(productId, 1);
  const reserve = stock! - (take - 1);
  await u.store.db.send(
    new UpdateCommand({
      TableName: u.store.tables.products,
      Key: { id: productId },
      UpdateExpression: "SET stock = stock - :n, reserved = if_not_exists(reserved, :zero) + :n",
      ExpressionAttributeValues: { ":n": reserve, ":zero": 0 },
    }),
  );
}

const cancellation = (codes: string[]) =>
  Object.assign(new Error("Transaction cancelled"), { name: "TransactionCanceledException", CancellationReasons: codes.map((Code) => ({ Code })) });

describe("reshardStock: the shard count asked for", () => {
  it("refuses a count that is not a whole number from 1 to the maximum, before reading anything", async () => {
    const product = await shelf(10);
    const { store, sent } = recording();
    for (const count of [0, -1, 1.5, MAX_STOCK_SHARDS + 1]) {
      const error = await reshardStock(store, product.id, count).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).message).toBe(`A product has 1 to ${MAX_STOCK_SHARDS} stock shards.`);
    }
    expect(sent).toEqual([]);
  });

  it("grows to the maximum", async () => {
    const product = await shelf(64);
    expect(await reshardStock(u.store, product.id, MAX_STOCK_SHARDS)).toEqual({ before: 1, after: MAX_STOCK_SHARDS });
    expect(await shardStocks(product.id, MAX_STOCK_SHARDS)).toEqual(new Array(MAX_STOCK_SHARDS).fill(2));
  });

  it("writes nothing when the count is unchanged, and refuses to shrink", async () => {
    const one = await shelf(5);
    const four = await shelf(8, 4);
    const { store, sent } = recording();
    expect(await reshardStock(store, one.id, 1)).toEqual({ before: 1, after: 1 });
    expect(await reshardStock(store, four.id, 4)).toEqual({ before: 4, after: 4 });
    expect(transactions(sent)).toEqual([]);
    const error = await reshardStock(store, four.id, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).message).toBe(`${four.id} has 4 stock shards; their number can only grow.`);
    expect(transactions(sent)).toEqual([]);
    expect(await shardStocks(four.id, 4)).toEqual([2, 2, 2, 2]);
  });

  it("is NotFound for a product that does not exist", async () => {
    const error = await reshardStock(u.store, "no-such-product", 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFound);
    expect((error as NotFound).message).toBe("Product no-such-product was not found.");
  });
});

describe("reshardStock: spreading the units", () => {
  it("turns a single counter into level shards, the sum kept, reading strongly consistent", async () => {
    const product = await shelf(10);
    await u.store.db.send(new UpdateCommand({ TableName: u.store.tables.products, Key: { id: product.id }, UpdateExpression: "SET reserved = :r, sold = :s", ExpressionAttributeValues: { ":r": 2, ":s": 3 } }));
    const { store, sent } = recording();
    expect(await reshardStock(store, product.id, 4)).toEqual({ before: 1, after: 4 });
    expect(await shardStocks(product.id, 5)).toEqual([3, 3, 2, 2, undefined]);
    const levels = await readStockLevels(u.store, product.id);
    // Reserved and sold stay on the shard that holds them.
    expect(levels.shards.map((s) => [s.reserved, s.sold])).toEqual([[2, 3], [0, 0], [0, 0], [0, 0]]);
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: { id: product.id }, ConsistentRead: true }));
    expect(Item?.stockShards).toBe(4);
    const reads = sent.filter((c) => c instanceof GetCommand);
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect((read as GetCommand).input.ConsistentRead).toBe(true);
  });

  it("grows sharded stock from its shards' levels, reading every shard strongly consistent", async () => {
    const product = await shelf(0, 2);
    // Uneven shards: 9 and 1 available.
    await u.store.db.send(new UpdateCommand({ TableName: u.store.tables.products, Key: stockShardKey(product.id, 0), UpdateExpression: "SET stock = :n", ExpressionAttributeValues: { ":n": 9 } }));
    await u.store.db.send(new UpdateCommand({ TableName: u.store.tables.products, Key: stockShardKey(product.id, 1), UpdateExpression: "SET stock = :n", ExpressionAttributeValues: { ":n": 1 } }));
    const { store, sent } = recording();
    expect(await reshardStock(store, product.id, 4)).toEqual({ before: 2, after: 4 });
    // 10 over 4 shards is 3, 3, 2, 2: the new shards get 2 and 2, taken from the fullest shard.
    expect(await shardStocks(product.id, 5)).toEqual([5, 1, 2, 2, undefined]);
    const batchReads = sent.filter((c): c is BatchGetCommand => c instanceof BatchGetCommand);
    expect(batchReads).toHaveLength(1);
    expect(Object.values(batchReads[0]!.input.RequestItems!).every((request) => request.ConsistentRead === true)).toBe(true);
  });
});

describe("reshardStock: an order between its read and its write", () => {
  it("is refused by the take's condition, reads again and spreads what is left, never overdrawing a shard", async () => {
    const product = await shelf(10);
    let rivals = 0;
    const { store, sent } = recording(async (command) => {
      if (command instanceof TransactWriteCommand && rivals++ === 0) await reserveAllButTakeMinusOne(command, product.id);
    });
    expect(await reshardStock(store, product.id, 4)).toEqual({ before: 1, after: 4 });
    expect(transactions(sent)).toHaveLength(2);
    // The rival left 6 of 10 (take 7, minus one): 6 over 4 shards.
    expect(await shardStocks(product.id, 4)).toEqual([2, 2, 1, 1]);
    const levels = await readStockLevels(u.store, product.id);
    expect(levels.available + levels.reserved).toBe(10);
  });

  it("retries a cancellation whose every reason is a failed condition", async () => {
    const product = await shelf(4);
    let faked = false;
    const db = {
      send: (command: unknown) => {
        if (command instanceof TransactWriteCommand && !faked) {
          faked = true;
          return Promise.reject(cancellation(["ConditionalCheckFailed", "ConditionalCheckFailed"]));
        }
        return u.store.db.send(command as never);
      },
    };
    expect(await reshardStock({ ...u.store, db: db as unknown as DynamoDBDocumentClient }, product.id, 2)).toEqual({ before: 1, after: 2 });
    expect(await shardStocks(product.id, 2)).toEqual([2, 2]);
  });

  it("gives up with ConcurrencyLimit after 6 tries when orders keep taking units, having written nothing", async () => {
    const product = await shelf(1000);
    let rivals = 0;
    const { store, sent } = recording(async (command) => {
      // Bounded, so a reshard that kept retrying past its limit would still end (and fail this test).
      if (command instanceof TransactWriteCommand && rivals++ < 12) await reserveAllButTakeMinusOne(command, product.id);
    });
    const error = await reshardStock(store, product.id, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyLimit);
    expect((error as ConcurrencyLimit).message).toBe(`The stock of ${product.id} kept changing while it was resharded; please retry.`);
    expect(transactions(sent)).toHaveLength(6);
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: { id: product.id }, ConsistentRead: true }));
    expect(Item?.stockShards).toBeUndefined();
    expect(await shardStocks(product.id, 2)).toEqual([Number(Item?.stock), undefined]);
  });

  it("passes on anything but a failed condition at once: an outage, another cancellation", async () => {
    const product = await shelf(4);
    const outage = new Error("DynamoDB unavailable");
    const other = cancellation(["None", "ValidationError"]);
    for (const failure of [outage, other]) {
      const sent: unknown[] = [];
      const db = {
        send: (command: unknown) => {
          sent.push(command);
          return command instanceof TransactWriteCommand ? Promise.reject(failure) : u.store.db.send(command as never);
        },
      };
      await expect(reshardStock({ ...u.store, db: db as unknown as DynamoDBDocumentClient }, product.id, 2)).rejects.toBe(failure);
      expect(transactions(sent)).toHaveLength(1);
    }
  });
});
