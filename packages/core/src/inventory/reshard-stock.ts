// Growing a product's stock shards under traffic (a single counter becoming N before a sale):
// one transaction creates the new shard items, moves a level share of the available units into
// them from the existing shards (each take conditional, `stock >= :take`, so a reservation racing
// it can never be oversold) and raises `stockShards` on the product item, conditional on the count
// it read. Until it commits, orders use the old shards; after, all of them. Reserved and sold stay
// where they are (orders release and sell to the shards they recorded). Shrinking is not offered:
// a pending order may still hold units of a shard, which must exist when it is released.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { ConcurrencyLimit, NotFound, ValidationFailed } from "../shared/domain-error";
import { transactionCancellationReasons } from "../shared/dynamodb-errors";
import { transactWrite } from "../shared/transact-write";
import {
  MAX_STOCK_SHARDS,
  SHARD_OF_ATTRIBUTE,
  fillLowestFirst,
  readShardLevels,
  shardCountOf,
  stockShardKey,
  takeHighestFirst,
  type StockStore,
} from "./stock-shards";
import type { TransactItem } from "./stock-writes";

const MAX_ATTEMPTS = 6;

export async function reshardStock(store: StockStore, productId: string, shardCount: number): Promise<{ before: number; after: number }> {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_STOCK_SHARDS) {
    throw new ValidationFailed(`A product has 1 to ${MAX_STOCK_SHARDS} stock shards.`);
  }
  for (let attempt = 1; ; attempt++) {
    const { Item } = await store.db.send(new GetCommand({ TableName: store.tables.products, Key: { id: productId }, ConsistentRead: true }));
    if (!Item) throw new NotFound(`Product ${productId}`);
    const current = shardCountOf(Item as { stockShards?: number });
    if (shardCount === current) return { before: current, after: current };
    if (shardCount < current) throw new ValidationFailed(`${productId} has ${current} stock shards; their number can only grow.`);
    const shards = (await readShardLevels(store, [Item], { consistent: true })).get(productId)!;
    const available = shards.map((s) => Math.max(0, s.available));
    const total = available.reduce((sum, a) => sum + a, 0);
    // The new shards get what leaves every shard level: the total's share of N new over N in all.
    const shares = fillLowestFirst(new Array<number>(shardCount).fill(0), total);
    const moved = shares.slice(current).reduce((sum, s) => sum + s, 0);
    const takes = takeHighestFirst(available, moved);
    const items: TransactItem[] = shards.map((shard, index) => {
      const take = takes[index]!;
      const conditions = ["attribute_exists(id)", "stock >= :take"];
      const values: Record<string, unknown> = { ":take": take };
      let update = "SET stock = stock - :take";
      if (index === 0) {
        update += ", stockShards = :count";
        conditions.push(current === 1 ? "(attribute_not_exists(stockShards) OR stockShards = :current)" : "stockShards = :current");
        values[":count"] = shardCount;
        values[":current"] = current;
      }
      return { Update: { TableName: store.tables.products, Key: stockShardKey(productId, shard.shard), UpdateExpression: update, ConditionExpression: conditions.join(" AND "), ExpressionAttributeValues: values } };
    });
    for (let shard = current; shard < shardCount; shard++) {
      items.push({
        Put: {
          TableName: store.tables.products,
          Item: { ...stockShardKey(productId, shard), [SHARD_OF_ATTRIBUTE]: productId, shard, stock: shares[shard]!, reserved: 0, sold: 0 },
          ConditionExpression: "attribute_not_exists(id)",
        },
      });
    }
    try {
      await transactWrite(store.db, items);
      return { before: current, after: shardCount };
    } catch (error) {
      const reasons = transactionCancellationReasons(error);
      if (!reasons?.some((r) => r.Code === "ConditionalCheckFailed")) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyLimit(`The stock of ${productId} kept changing while it was resharded; please retry.`, 1, error);
    }
  }
}
