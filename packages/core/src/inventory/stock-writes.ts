// The conditional stock writes of reservation, sale and release, one shard at a time
// (stock-shards.ts), as TransactWriteItems entries so they commit atomically with the order write
// or status change they belong to. `stock >= :quantity` on every reservation is what makes
// overselling impossible, whatever the concurrency and however many shards; `reserved >= :quantity`
// on a sale or release keeps the reserved count from going below what the orders hold.
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { stockShardKey, type ShardTake } from "./stock-shards";

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

export interface StockLine {
  productId: string;
  quantity: number;
}

/** stock → reserved on one shard, refused unless that shard holds the quantity. */
export function reserveStockItem(productsTable: string, take: StockLine & { shard?: number }): TransactItem {
  return {
    Update: {
      TableName: productsTable,
      Key: stockShardKey(take.productId, take.shard ?? 0),
      UpdateExpression: "SET stock = stock - :quantity ADD reserved :quantity",
      ConditionExpression: "attribute_exists(id) AND stock >= :quantity",
      ExpressionAttributeValues: { ":quantity": take.quantity },
      // Lets the caller see what that shard holds without a second read.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  };
}

/** reserved → stock on the shard the units were taken from: a cancelled order's reservation. */
export function releaseStockItem(productsTable: string, take: ShardTake): TransactItem {
  return {
    Update: {
      TableName: productsTable,
      Key: stockShardKey(take.productId, take.shard),
      UpdateExpression: "SET stock = stock + :quantity ADD reserved :minus",
      // Never resurrect a deleted product as a stock-only item.
      ConditionExpression: "attribute_exists(id) AND reserved >= :quantity",
      ExpressionAttributeValues: { ":quantity": take.quantity, ":minus": -take.quantity },
    },
  };
}

/** reserved → sold on the shard the units were taken from: a confirmed order's reservation. */
export function sellStockItem(productsTable: string, take: ShardTake): TransactItem {
  return {
    Update: {
      TableName: productsTable,
      Key: stockShardKey(take.productId, take.shard),
      UpdateExpression: "ADD reserved :minus, sold :quantity",
      ConditionExpression: "attribute_exists(id) AND reserved >= :quantity",
      ExpressionAttributeValues: { ":quantity": take.quantity, ":minus": -take.quantity },
    },
  };
}

/**
 * The release of an order placed before stock was sharded (it records no shard takes): its units
 * went back to the product item's `stock` alone, as they always did, and were never counted in
 * `reserved`, so that is left alone.
 */
export function releaseUntrackedStockItem(productsTable: string, line: StockLine): TransactItem {
  return {
    Update: {
      TableName: productsTable,
      Key: { id: line.productId },
      UpdateExpression: "SET stock = stock + :quantity",
      ConditionExpression: "attribute_exists(id)",
      ExpressionAttributeValues: { ":quantity": line.quantity },
    },
  };
}
