// Reads and resets a product's stock through the real DynamoDB API. Shared by the integration
// suites and the flash-sale load test (which resets the sale item before a run); the client
// decides where it points (local stack or a deployed stage). Stock is what is available, summed
// over the product's stock shards (core's inventory/stock-shards.ts).
import { TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { readStockLevels } from "@shopwave/core/inventory/adjust-stock";
import { fillLowestFirst, stockShardKey } from "@shopwave/core/inventory/stock-shards";
import { NotFound } from "@shopwave/core/shared/domain-error";

export async function readStock(db: DynamoDBDocumentClient, productsTable: string, productId: string): Promise<number> {
  // A product that does not exist has no stock to read: NaN, as a missing attribute always read.
  const levels = await readStockLevels({ db, tables: { products: productsTable } }, productId).catch((error: unknown) => {
    if (error instanceof NotFound) return { available: Number.NaN };
    throw error;
  });
  return levels.available;
}

/**
 * Sets a product's available stock, spread evenly over its shards (reserved and sold are left
 * alone: pending orders still release to them); fails if the product does not exist (never
 * creates a stock-only item). A negative stock (a test planting an oversell) goes whole on shard
 * 0: spreading only fills upwards, so it would silently write 0 everywhere.
 */
export async function setStock(db: DynamoDBDocumentClient, productsTable: string, productId: string, stock: number): Promise<void> {
  const { shards } = await readStockLevels({ db, tables: { products: productsTable } }, productId);
  if (!Number.isInteger(stock)) throw new Error(`setStock: stock must be an integer, got ${stock}`);
  const shares = stock >= 0 ? fillLowestFirst(new Array<number>(shards.length).fill(0), stock) : shards.map((_, index) => (index === 0 ? stock : 0));
  await db.send(
    new TransactWriteCommand({
      TransactItems: shards.map((shard, index) => ({
        Update: {
          TableName: productsTable,
          Key: stockShardKey(productId, shard.shard),
          UpdateExpression: "SET stock = :stock",
          ConditionExpression: "attribute_exists(id)",
          ExpressionAttributeValues: { ":stock": shares[index]! },
        },
      })),
    }),
  );
}
