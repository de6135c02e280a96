// Operators changing a product's stock: set what is on hand (available + reserved, e.g. after a
// count) or add / remove units (a delivery, breakage), always with a reason, and read the levels
// (available vs reserved by unpaid orders). One transaction writes every shard that changes, each
// conditional, so available never drops below zero whatever orders do meanwhile; a "set" is also
// conditional on nothing having been sold or adjusted since it read the levels (else it reads
// again), so "on hand" ends exactly as asked. The caller's own items (an audit entry) ride in the
// same transaction.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { ProductId } from "../catalog/product";
import { ConcurrencyLimit, NotFound, StockAdjustmentRefused, ValidationFailed } from "../shared/domain-error";
import { transactionCancellationReasons } from "../shared/dynamodb-errors";
import { transactWrite } from "../shared/transact-write";
import { fillLowestFirst, readShardLevels, stockShardKey, takeHighestFirst, totalOf, type StockLevels, type StockStore } from "./stock-shards";
import type { TransactItem } from "./stock-writes";

export type StockChange = { set: number } | { add: number };

export interface StockAdjustmentRequest {
  productId: string;
  change: StockChange;
  reason: string;
}

export interface StockLevelPair {
  available: number;
  reserved: number;
}

export interface StockAdjustment {
  before: StockLevelPair;
  after: StockLevelPair;
}

export interface AdjustStockOptions {
  /**
   * Further items written in the same transaction (an audit entry), or a function building them
   * from the adjustment about to be written. If one of them is refused, the transaction's
   * TransactionCanceledException is rethrown for the caller to read (its items come after the
   * shards' in CancellationReasons; `alsoWriteOffset` on the error says where).
   */
  alsoWrite?: readonly TransactItem[] | ((adjustment: StockAdjustment) => readonly TransactItem[]);
  now?: () => Date;
}

const MAX_ATTEMPTS = 6;
const MAX_REASON_LENGTH = 500;

/** The product item and every shard's level, read consistently; NotFound when the product is gone. */
async function readCurrent(store: StockStore, productId: string) {
  // A malformed id names no product; sent to DynamoDB as a key (empty, over 2 KB) it would be a 500.
  if (!ProductId.safeParse(productId).success) throw new NotFound(`Product ${productId.slice(0, 64)}`);
  const { Item } = await store.db.send(new GetCommand({ TableName: store.tables.products, Key: { id: productId }, ConsistentRead: true }));
  if (!Item) throw new NotFound(`Product ${productId}`);
  const shards = (await readShardLevels(store, [Item], { consistent: true })).get(productId)!;
  return { item: Item, shards, levels: totalOf(shards) };
}

/** Available and reserved units of a product, summed over its shards (plus sold, and each shard's). */
export async function readStockLevels(store: StockStore, productId: string): Promise<StockLevels> {
  return (await readCurrent(store, productId)).levels;
}

function validate(request: StockAdjustmentRequest): void {
  const { change } = request;
  if (request.reason.trim().length === 0 || request.reason.length > MAX_REASON_LENGTH) {
    throw new ValidationFailed(`A stock adjustment needs a reason (1–${MAX_REASON_LENGTH} characters).`);
  }
  if ("set" in change ? !Number.isSafeInteger(change.set) || change.set < 0 : !Number.isSafeInteger(change.add) || change.add === 0) {
    throw new ValidationFailed("set must be a whole number ≥ 0; add a whole number other than 0.", { change });
  }
}

export async function adjustStock(store: StockStore, request: StockAdjustmentRequest, options: AdjustStockOptions = {}): Promise<StockAdjustment> {
  validate(request);
  const { productId, change } = request;
  const exact = "set" in change;
  for (let attempt = 1; ; attempt++) {
    const { item, shards, levels } = await readCurrent(store, productId);
    const before = { available: levels.available, reserved: levels.reserved };
    const delta = exact ? change.set - (levels.available + levels.reserved) : change.add;
    if (levels.available + delta < 0) throw new StockAdjustmentRefused(productId, before, change);
    const adjustment = { before, after: { available: levels.available + delta, reserved: levels.reserved } };

    // A restock fills the emptiest shards first and a reduction lowers the fullest, so the shards stay level.
    const available = shards.map((shard) => shard.available);
    const perShard = delta >= 0 ? fillLowestFirst(available, delta) : takeHighestFirst(available, -delta).map((take) => -take);
    const shardItems = shards.flatMap((shard, index): TransactItem[] => {
      const change = perShard[index]!;
      const conditions = ["attribute_exists(id)"];
      const values: Record<string, unknown> = {};
      if (change < 0) {
        conditions.push("stock >= :take");
        values[":take"] = -change;
      }
      if (exact) {
        // On hand = available + reserved moves only when units are sold (or adjusted, below).
        conditions.push(shard.sold === 0 ? "(attribute_not_exists(sold) OR sold = :sold)" : "sold = :sold");
        values[":sold"] = shard.sold;
      }
      const key = { TableName: store.tables.products, Key: stockShardKey(productId, shard.shard) };
      if (shard.shard === 0) {
        // Every adjustment counts itself on the product item, so a "set" sees a concurrent one.
        const version = Number(item.stockAdjustments ?? 0);
        if (exact) {
          conditions.push(version === 0 ? "(attribute_not_exists(stockAdjustments) OR stockAdjustments = :version)" : "stockAdjustments = :version");
          values[":version"] = version;
        }
        return [
          {
            Update: {
              ...key,
              UpdateExpression: "SET stock = stock + :change, lastStockAdjustment = :last ADD stockAdjustments :one",
              ConditionExpression: conditions.join(" AND "),
              ExpressionAttributeValues: {
                ...values,
                ":change": change,
                ":one": 1,
                ":last": { at: (options.now?.() ?? new Date()).toISOString(), reason: request.reason, change: request.change },
              },
            },
          },
        ];
      }
      if (change !== 0) {
        return [
          {
            Update: {
              ...key,
              UpdateExpression: "SET stock = stock + :change",
              ConditionExpression: conditions.join(" AND "),
              ExpressionAttributeValues: { ...values, ":change": change },
            },
          },
        ];
      }
      return exact ? [{ ConditionCheck: { ...key, ConditionExpression: conditions.join(" AND "), ExpressionAttributeValues: values } }] : [];
    });
    const extra = typeof options.alsoWrite === "function" ? options.alsoWrite(adjustment) : (options.alsoWrite ?? []);
    try {
      await transactWrite(store.db, [...shardItems, ...extra]);
      return adjustment;
    } catch (error) {
      const reasons = transactionCancellationReasons(error);
      if (!reasons) throw error;
      if (reasons.slice(shardItems.length).some((reason) => reason.Code === "ConditionalCheckFailed")) {
        throw Object.assign(error as Error, { alsoWriteOffset: shardItems.length });
      }
      // A shard moved since it was read (an order, another adjustment): read again and recompute.
      if (!reasons.slice(0, shardItems.length).some((reason) => reason.Code === "ConditionalCheckFailed")) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new ConcurrencyLimit(`The stock of ${productId} kept changing while it was adjusted; please retry.`, 1, error);
      }
    }
  }
}
