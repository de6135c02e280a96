// Reading and planning sharded stock: the batched reads against DynamoDB Local (chunks of 100
// keys, unprocessed keys retried, missing shard items), and the pure distribution rules at their
// boundaries (level fills, exact sums, ties).
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { MAX_STOCK_SHARDS, fillLowestFirst, planReservation, randomShard, readShardLevels, stockItemsOf, stockShardKey } from "./stock-shards";
import { instantWaits } from "../../../../test/support/instant-waits";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());
afterEach(() => {
  vi.restoreAllMocks();
});

/** The product item as stored: its `stock` is shard 0's share. */
async function shelf(stock: number, stockShards: number): Promise<Product> {
  const { product, shards } = stockItemsOf(testProduct({ stock, stockShards }));
  await Promise.all([u.putProduct(product), ...shards.map((item) => u.store.db.send(new PutCommand({ TableName: u.store.tables.products, Item: item })))]);
  return product;
}

/**
 * A client whose BatchGets answer only the first key asked for, from `items`, and hand the rest
 * back as unprocessed (as DynamoDB does under throttling), `times` times; then answer in full (in
 * memory, so no SDK timers run alongside the backoff's).
 */
function partialBatches(items: Record<string, unknown>[], times: number) {
  const batches: BatchGetCommand[] = [];
  const table = u.store.tables.products;
  const byId = new Map(items.map((item) => [String(item.id), item]));
  let left = times;
  const db = {
    send: async (command: unknown) => {
      if (!(command instanceof BatchGetCommand)) throw new Error("only BatchGet is expected");
      batches.push(command);
      const keys = command.input.RequestItems![table]!.Keys as { id: string }[];
      const answered = left > 0 ? keys.slice(0, 1) : keys;
      const unprocessed = left > 0 ? keys.slice(1) : [];
      left--;
      return {
        Responses: { [table]: answered.flatMap((key) => (byId.has(key.id) ? [byId.get(key.id)] : [])) },
        UnprocessedKeys: unprocessed.length > 0 ? { [table]: { Keys: unprocessed } } : {},
      };
    },
  };
  return { store: { ...u.store, db: db as unknown as DynamoDBDocumentClient }, batches };
}


const itemsOf = (products: Product[]) => products.map((p) => ({ id: p.id, stock: p.stock, stockShards: p.stockShards }));

describe("readShardLevels", () => {
  it("reads the shards of many products in BatchGets of at most 100 keys, only the shards that exist", async () => {
    // 4 products of 32 shards: 124 further shard items, so two BatchGets (100 + 24).
    const products = await Promise.all(Array.from({ length: 4 }, () => shelf(64, MAX_STOCK_SHARDS)));
    const sent: BatchGetCommand[] = [];
    const db = {
      send: (command: unknown) => {
        if (command instanceof BatchGetCommand) sent.push(command);
        return u.store.db.send(command as never);
      },
    };
    const levels = await readShardLevels({ ...u.store, db: db as unknown as DynamoDBDocumentClient }, itemsOf(products), { consistent: true });
    expect(sent.map((c) => c.input.RequestItems![u.store.tables.products]!.Keys!.length)).toEqual([100, 24]);
    for (const product of products) {
      const shards = levels.get(product.id)!;
      expect(shards.map((s) => s.shard)).toEqual(Array.from({ length: MAX_STOCK_SHARDS }, (_, i) => i));
      expect(shards.every((s) => s.available === 2)).toBe(true);
    }
  });

  it("counts a shard whose item is missing as empty, and reads nothing for a one-shard product", async () => {
    const product = testProduct({ stock: 4, stockShards: 3 });
    await u.putProduct(product);
    await u.store.db.send(new PutCommand({ TableName: u.store.tables.products, Item: { ...stockShardKey(product.id, 2), stockShardOf: product.id, shard: 2, stock: 3, reserved: 1, sold: 2 } }));
    const none = testProduct({ stock: 1, stockShards: 2 });
    await u.putProduct(none);
    const single = testProduct({ stock: 7 });
    const batches: BatchGetCommand[] = [];
    const db = {
      send: (command: unknown) => {
        if (command instanceof BatchGetCommand) batches.push(command);
        return u.store.db.send(command as never);
      },
    };
    const levels = await readShardLevels({ ...u.store, db: db as unknown as DynamoDBDocumentClient }, [product, none, single], { consistent: false });
    expect(levels.get(product.id)).toEqual([
      { shard: 0, available: 4, reserved: 0, sold: 0 },
      { shard: 1, available: 0, reserved: 0, sold: 0 },
      { shard: 2, available: 3, reserved: 1, sold: 2 },
    ]);
    expect(levels.get(none.id)).toEqual([
      { shard: 0, available: 1, reserved: 0, sold: 0 },
      { shard: 1, available: 0, reserved: 0, sold: 0 },
    ]);
    expect(levels.get(single.id)).toEqual([{ shard: 0, available: 7, reserved: 0, sold: 0 }]);
    // Shards 1–2 of the first and shard 1 of the second, none of the one-shard product's; as asked, eventually consistent.
    expect(batches).toHaveLength(1);
    expect(batches[0]!.input.RequestItems![u.store.tables.products]).toMatchObject({ ConsistentRead: false });
    expect(batches[0]!.input.RequestItems![u.store.tables.products]!.Keys).toHaveLength(3);
  });

  it("asks again for the keys DynamoDB left unprocessed until every shard is read, backing off", async () => {
    const { product, shards } = stockItemsOf(testProduct({ stock: 12, stockShards: 4 }));
    const waits = instantWaits();
    const { store, batches } = partialBatches(shards, 2);
    const levels = await readShardLevels(store, [product], { consistent: true });
    expect(levels.get(product.id)!.map((s) => s.available)).toEqual([3, 3, 3, 3]);
    expect(batches.map((c) => c.input.RequestItems![u.store.tables.products]!.Keys!.length)).toEqual([3, 2, 1]);
    expect(waits).toEqual([50, 100]);
  });

  it("gives up after 9 tries when keys keep coming back unprocessed", async () => {
    const { product, shards } = stockItemsOf(testProduct({ stock: 24, stockShards: 12 }));
    const waits = instantWaits();
    // Bounded, so a reader that kept trying would still end (and fail this test).
    const { store, batches } = partialBatches(shards, 40);
    await expect(readShardLevels(store, [product], { consistent: true })).rejects.toThrow("DynamoDB kept returning unprocessed keys while reading stock shards.");
    expect(batches).toHaveLength(9);
    expect(waits).toEqual([50, 100, 200, 400, 800, 1000, 1000, 1000]);
  });
});

describe("fillLowestFirst", () => {
  it("raises only the lowest until they reach the next level, then all of those together", () => {
    expect(fillLowestFirst([0, 5], 3)).toEqual([3, 0]);
    expect(fillLowestFirst([0, 1, 5], 4)).toEqual([3, 1, 0]);
    expect(fillLowestFirst([0, 0, 0, 0], 10)).toEqual([3, 3, 2, 2]);
  });
});

describe("planReservation", () => {
  it("counts a shard holding exactly the quantity among those that hold enough", () => {
    expect(planReservation("p", [3, 3], 3, () => 0.99)).toEqual([{ productId: "p", shard: 1, quantity: 3 }]);
  });

  it("spreads a quantity equal to the sum of every shard", () => {
    expect(planReservation("p", [2, 1, 0], 3)).toEqual([
      { productId: "p", shard: 0, quantity: 2 },
      { productId: "p", shard: 1, quantity: 1 },
    ]);
  });
});

describe("randomShard", () => {
  it("stays within the shards even if the random source returns its upper bound", () => {
    expect(randomShard(4, () => 0)).toBe(0);
    expect(randomShard(4, () => 0.999)).toBe(3);
    expect(randomShard(4, () => 1)).toBe(3);
  });
});
