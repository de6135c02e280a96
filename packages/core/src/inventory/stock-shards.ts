// Where a product's stock lives. A DynamoDB partition takes about 1,000 write units a second, so
// one hot item caps a flash sale whatever the table's capacity; a product expecting that much
// demand keeps its stock in N shards (`stockShards` on the product), each its own partition key.
// Shard 0 is the product item itself, so a one-shard product (the default) is exactly the item it
// always was; shards 1…N−1 are items `<productId>#stock#<k>` in the products table, marked with
// `stockShardOf` so catalog scans leave them out. Every shard counts three things:
//   stock    – available to order (what the storefront shows, summed over the shards),
//   reserved – held by PENDING_PAYMENT orders,
//   sold     – taken by confirmed orders.
// Orders move units stock → reserved → sold (or back to stock); only operators change the sum.
import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import type { Store } from "../shared/store";

/** At most this many shards: all of a product's shards fit one BatchGet and one transaction. */
export const MAX_STOCK_SHARDS = 32;

/** The attribute that marks a shard item (k ≥ 1) and names its product. */
export const SHARD_OF_ATTRIBUTE = "stockShardOf";

/** What the inventory needs of the store: the client and the products table. */
export interface StockStore {
  readonly db: Store["db"];
  readonly tables: Pick<Store["tables"], "products">;
}

export interface ShardLevel {
  shard: number;
  available: number;
  reserved: number;
  sold: number;
}

export interface StockLevels {
  available: number;
  reserved: number;
  sold: number;
  shards: ShardLevel[];
}

/** Units an order took from one shard of one product; the order keeps these to give them back. */
export interface ShardTake {
  productId: string;
  shard: number;
  quantity: number;
}

export function stockShardKey(productId: string, shard: number): { id: string } {
  return { id: shard === 0 ? productId : `${productId}#stock#${shard}` };
}

export function shardCountOf(product: { stockShards?: number | undefined }): number {
  return product.stockShards ?? 1;
}

export function shardLevelOf(shard: number, item: Record<string, unknown> | undefined): ShardLevel {
  return { shard, available: Number(item?.stock ?? 0), reserved: Number(item?.reserved ?? 0), sold: Number(item?.sold ?? 0) };
}

export function totalOf(shards: readonly ShardLevel[]): StockLevels {
  return {
    available: shards.reduce((sum, s) => sum + s.available, 0),
    reserved: shards.reduce((sum, s) => sum + s.reserved, 0),
    sold: shards.reduce((sum, s) => sum + s.sold, 0),
    shards: [...shards],
  };
}

/**
 * The items of shards 1…N−1 of each product, by product id, in one BatchGet per 100 keys (the
 * product items, shard 0, the caller has already read). Bounded: N−1 items per sharded product.
 */
export async function readExtraShards(
  store: StockStore,
  products: readonly { id: string; stockShards?: number | undefined }[],
  options: { consistent: boolean },
): Promise<Map<string, Map<number, Record<string, unknown>>>> {
  const byProduct = new Map<string, Map<number, Record<string, unknown>>>();
  const keys = products.flatMap((p) => Array.from({ length: shardCountOf(p) - 1 }, (_, i) => stockShardKey(p.id, i + 1)));
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error("DynamoDB kept returning unprocessed keys while reading stock shards.");
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result = await store.db.send(
        new BatchGetCommand({ RequestItems: { [store.tables.products]: { Keys: pending, ConsistentRead: options.consistent } } }),
      );
      for (const item of result.Responses?.[store.tables.products] ?? []) {
        const productId = String(item[SHARD_OF_ATTRIBUTE]);
        const shards = byProduct.get(productId) ?? new Map<number, Record<string, unknown>>();
        shards.set(Number(item.shard), item);
        byProduct.set(productId, shards);
      }
      pending = (result.UnprocessedKeys?.[store.tables.products]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return byProduct;
}

/** Every shard's level of each product, from its product item (shard 0) and its other shards. */
export async function readShardLevels(
  store: StockStore,
  productItems: readonly Record<string, unknown>[],
  options: { consistent: boolean },
): Promise<Map<string, ShardLevel[]>> {
  const products = productItems.map((item) => ({ id: String(item.id), stockShards: item.stockShards as number | undefined }));
  const extra = await readExtraShards(store, products.filter((p) => shardCountOf(p) > 1), options);
  const levels = new Map<string, ShardLevel[]>();
  productItems.forEach((item, index) => {
    const product = products[index]!;
    levels.set(product.id, [
      shardLevelOf(0, item),
      ...Array.from({ length: shardCountOf(product) - 1 }, (_, i) => shardLevelOf(i + 1, extra.get(product.id)?.get(i + 1))),
    ]);
  });
  return levels;
}

/**
 * Products as the catalog shows them: `stock` is the sum of every shard's available units, read
 * in one extra BatchGet for the sharded ones (none when no product on the page is sharded).
 */
export async function withStockTotals<P extends { id: string; stock: number; stockShards?: number | undefined }>(
  store: StockStore,
  products: readonly P[],
  options: { consistent: boolean },
): Promise<P[]> {
  const sharded = products.filter((p) => shardCountOf(p) > 1);
  if (sharded.length === 0) return [...products];
  const extra = await readExtraShards(store, sharded, options);
  return products.map((p) => {
    const shards = extra.get(p.id);
    if (!shards) return p;
    let stock = p.stock;
    for (const item of shards.values()) stock += Number(item.stock ?? 0);
    return { ...p, stock };
  });
}

/**
 * Raises the lowest values first until `amount` is added, so a restock leaves the shards level
 * (remainders go to the lowest-numbered of the tied shards). Returns what each value gets.
 */
export function fillLowestFirst(values: readonly number[], amount: number): number[] {
  const adds = values.map(() => 0);
  let remaining = amount;
  while (remaining > 0) {
    const current = values.map((v, i) => v + adds[i]!);
    const low = Math.min(...current);
    const lowest = current.flatMap((v, i) => (v === low ? [i] : []));
    const above = current.filter((v) => v > low);
    const nextLevel = above.length > 0 ? Math.min(...above) : Number.POSITIVE_INFINITY;
    const room = (nextLevel - low) * lowest.length;
    if (room >= remaining) {
      const each = Math.floor(remaining / lowest.length);
      const extra = remaining % lowest.length;
      lowest.forEach((i, j) => (adds[i]! += each + (j < extra ? 1 : 0)));
      remaining = 0;
    } else {
      lowest.forEach((i) => (adds[i]! += nextLevel - low));
      remaining -= room;
    }
  }
  return adds;
}

/**
 * Lowers the highest values first until `amount` is taken (never below 0 when the sum allows it),
 * so a reduction leaves the shards level. Returns what is taken from each.
 */
export function takeHighestFirst(values: readonly number[], amount: number): number[] {
  return fillLowestFirst(
    values.map((v) => -v),
    amount,
  );
}

/**
 * Where to reserve `quantity` units given each shard's available units: one shard chosen at
 * random among those that hold enough (the writes of many shoppers land on different partitions);
 * else the fullest shards first, as few as cover it, in one transaction; undefined when even the
 * sum falls short.
 */
export function planReservation(
  productId: string,
  available: readonly number[],
  quantity: number,
  random: () => number = Math.random,
): ShardTake[] | undefined {
  const enough = available.flatMap((a, shard) => (a >= quantity ? [shard] : []));
  if (enough.length > 0) return [{ productId, shard: enough[Math.floor(random() * enough.length)]!, quantity }];
  if (available.reduce((sum, a) => sum + Math.max(0, a), 0) < quantity) return undefined;
  const takes: ShardTake[] = [];
  let remaining = quantity;
  const fullestFirst = available.map((a, shard) => ({ a, shard })).sort((x, y) => y.a - x.a);
  for (const { a, shard } of fullestFirst) {
    if (remaining === 0 || a <= 0) break;
    const take = Math.min(a, remaining);
    takes.push({ productId, shard, quantity: take });
    remaining -= take;
  }
  return takes;
}

/** The first try, before anything is known of the shards: a shard chosen at random. */
export function randomShard(shardCount: number, random: () => number = Math.random): number {
  return Math.min(shardCount - 1, Math.floor(random() * shardCount));
}

/**
 * The items a product is first written as: the product item holding shard 0's share of the stock
 * and one item per further shard, the stock spread evenly (seeding, a new product).
 */
export function stockItemsOf<P extends { id: string; stock: number; stockShards?: number | undefined }>(product: P): { product: P; shards: Record<string, unknown>[] } {
  const count = shardCountOf(product);
  const shares = fillLowestFirst(new Array<number>(count).fill(0), product.stock);
  return {
    product: { ...product, stock: shares[0]! },
    shards: shares.slice(1).map((stock, i) => ({ ...stockShardKey(product.id, i + 1), [SHARD_OF_ATTRIBUTE]: product.id, shard: i + 1, stock })),
  };
}
