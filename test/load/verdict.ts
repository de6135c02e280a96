// The verdict of a flash sale, read from the system's own records rather than from what the
// shoppers counted: units sold (orders holding the item that are CONFIRMED, PENDING_PAYMENT or
// REFUNDED) against the stock the sale started with, the item's stock left, the paid orders that
// did not end CONFIRMED, and the order-events DLQ. Reads go through the real AWS SDK, so the same
// code checks the local stack or a deployed stage (with that stage's credentials).
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { BatchGetCommand, ScanCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { OrderStatus } from "@shopwave/core/orders/order";
import { readStock } from "../support/product-stock";

export interface VerdictSources {
  db: DynamoDBDocumentClient;
  tables: { products: string; orders: string };
}

export interface DatabaseVerdict {
  /** Units of the item held by orders since the reset that kept their reservation (confirmed, pending or refunded). */
  unitsSold: number;
  /** Units sold beyond the stock the sale started with (0 when stock held). */
  oversold: number;
  /** Paid orders (the shopper's browser was sent to the success URL) that are not CONFIRMED. */
  lost: number;
  lostOrderIds: string[];
  stockLeft: number;
  /** stock at start − stock left − units sold: units that left the shelf without an order holding them (should be 0). */
  unitsUnaccounted: number;
  ordersByStatus: Partial<Record<OrderStatus, number>>;
}

/** The verdict, and when each confirmed order was confirmed (its `updatedAt`, written by the worker). */
export interface DatabaseReading {
  verdict: DatabaseVerdict;
  confirmedAt: Map<string, number>;
}

/**
 * Every order created since the stock was reset, read consistently. Not only this run's shoppers:
 * any order placed after the reset draws on the same units, so all of them count against the stock.
 */
export async function readOrdersSince(sources: VerdictSources, since: Date): Promise<Record<string, unknown>[]> {
  const orders: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await sources.db.send(
      new ScanCommand({
        TableName: sources.tables.orders,
        ConsistentRead: true,
        FilterExpression: "createdAt >= :since",
        ExpressionAttributeValues: { ":since": since.toISOString() },
        ExclusiveStartKey: startKey,
      }),
    );
    orders.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return orders;
}

export async function readDatabaseVerdict(
  sources: VerdictSources,
  sale: { productId: string; stockAtStart: number; stockResetAt: Date; paidOrderIds: readonly string[] },
): Promise<DatabaseReading> {
  const orders = await readOrdersSince(sources, sale.stockResetAt);
  const confirmedAt = new Map<string, number>();
  const ordersByStatus: Partial<Record<OrderStatus, number>> = {};
  let unitsSold = 0;
  for (const order of orders) {
    const status = order.status as OrderStatus;
    ordersByStatus[status] = (ordersByStatus[status] ?? 0) + 1;
    if (status === "CONFIRMED") confirmedAt.set(String(order.id), Date.parse(String(order.updatedAt)));
    if (status === "CANCELLED") continue; // its reservation went back on the shelf
    for (const line of (order.items as { productId: string; quantity: number }[]) ?? []) {
      if (line.productId === sale.productId) unitsSold += line.quantity;
    }
  }
  const statusById = await readStatuses(sources, sale.paidOrderIds);
  const lostOrderIds = sale.paidOrderIds.filter((id) => statusById.get(id) !== "CONFIRMED");
  const stockLeft = await readStock(sources.db, sources.tables.products, sale.productId);
  const verdict = {
    unitsSold,
    oversold: Math.max(0, unitsSold - sale.stockAtStart, -stockLeft),
    lost: lostOrderIds.length,
    lostOrderIds,
    stockLeft,
    unitsUnaccounted: sale.stockAtStart - stockLeft - unitsSold,
    ordersByStatus,
  };
  return { verdict, confirmedAt };
}

/** Status of each order id, by consistent BatchGetItem (an id missing from the table maps to nothing). */
async function readStatuses(sources: VerdictSources, ids: readonly string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ id }));
    while (keys && keys.length > 0) {
      const result = await sources.db.send(
        new BatchGetCommand({
          RequestItems: {
            [sources.tables.orders]: { Keys: keys, ConsistentRead: true, ProjectionExpression: "id, #status", ExpressionAttributeNames: { "#status": "status" } },
          },
        }),
      );
      for (const item of result.Responses?.[sources.tables.orders] ?? []) statuses.set(String(item.id), String(item.status));
      keys = result.UnprocessedKeys?.[sources.tables.orders]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return statuses;
}

/** Messages in a queue, visible or in flight (SQS's approximate counts). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(result.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}
