// Reads and resets a product's stock through the real DynamoDB API. Shared by the integration
// suites and the flash-sale load test (which resets the sale item before a run); the client
// decides where it points (local stack or a deployed stage).
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export async function readStock(db: DynamoDBDocumentClient, productsTable: string, productId: string): Promise<number> {
  const result = await db.send(new GetCommand({ TableName: productsTable, Key: { id: productId }, ConsistentRead: true }));
  return Number(result.Item?.stock);
}

/** Sets a product's stock; fails if the product does not exist (never creates a stock-only item). */
export async function setStock(db: DynamoDBDocumentClient, productsTable: string, productId: string, stock: number): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: productsTable,
      Key: { id: productId },
      UpdateExpression: "SET stock = :stock",
      ConditionExpression: "attribute_exists(id)",
      ExpressionAttributeValues: { ":stock": stock },
    }),
  );
}
