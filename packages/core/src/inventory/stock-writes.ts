// The conditional stock writes of reservation and release, as TransactWriteItems entries so they
// commit atomically with the order write or status change they belong to. The condition
// `stock >= :quantity` is what makes overselling impossible, whatever the concurrency.
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

export interface StockLine {
  productId: string;
  quantity: number;
}

export function reserveStockItem(productsTable: string, line: StockLine): TransactItem {
  return {
    Update: {
      TableName: productsTable,
      Key: { id: line.productId },
      UpdateExpression: "SET stock = stock - :quantity",
      ConditionExpression: "attribute_exists(id) AND stock >= :quantity",
      ExpressionAttributeValues: { ":quantity": line.quantity },
      // Lets the caller report how many are left without a second read.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  };
}

export function releaseStockItem(productsTable: string, line: StockLine): TransactItem {
  return {
    Update: {
      TableName: productsTable,
      Key: { id: line.productId },
      UpdateExpression: "SET stock = stock + :quantity",
      // Never resurrect a deleted product as a stock-only item.
      ConditionExpression: "attribute_exists(id)",
      ExpressionAttributeValues: { ":quantity": line.quantity },
    },
  };
}
