// Sales per product, per minute and in total, maintained from order events: a confirmation adds
// its units and revenue, a refund adds to the refunded units and amount. Each event counts once,
// whatever the redeliveries: the increments ride in one transaction with a marker keyed by the
// event id whose put is conditional on its absence, so a second delivery changes nothing.
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Store } from "../shared/store";
import { transactionCancellationReasons } from "../shared/dynamodb-errors";
import { transactWrite } from "../shared/transact-write";
import type { OrderConfirmed, OrderEvent, OrderRefunded } from "./order-event";

/**
 * How long an applied event's marker is kept: longer than a message can live in a consumer's
 * queue and DLQ (14 days each at most), so a redriven duplicate still finds it.
 */
export const SALES_MARKER_TTL_SECONDS = 35 * 24 * 60 * 60;

export interface SalesFigures {
  unitsSold: number;
  revenueCents: number;
  unitsRefunded: number;
  refundedCents: number;
}

export interface SalesMinute extends SalesFigures {
  /** The minute, as `YYYY-MM-DDTHH:MMZ` (UTC). */
  minute: string;
}

export interface ProductSales {
  productId: string;
  /** The product's currency, as its order lines carried it (absent until something sold). */
  currency?: string;
  total: SalesFigures;
  /** Oldest first. */
  minutes: SalesMinute[];
}

const productKey = (productId: string) => `product#${productId}`;
const TOTAL = "total";
const minuteKey = (minute: string) => `minute#${minute}`;

/** The UTC minute an instant falls in, e.g. `2030-01-01T12:05Z`. */
export function minuteOf(at: string): string {
  return `${new Date(at).toISOString().slice(0, 16)}Z`;
}

type Counted = OrderConfirmed | OrderRefunded;

function counts(event: OrderEvent): event is Counted {
  return event.type === "OrderConfirmed" || event.type === "OrderRefunded";
}

/**
 * Counts the event's lines (confirmations and refunds; other events change nothing). False when
 * this event was counted already.
 */
export async function recordSale(store: Store, event: OrderEvent, now: Date): Promise<boolean> {
  if (!counts(event)) return false;
  // One update per product and item: a transaction may not touch an item twice.
  const byProduct = new Map<string, { units: number; cents: number }>();
  for (const line of event.items) {
    const sum = byProduct.get(line.productId) ?? { units: 0, cents: 0 };
    sum.units += line.quantity;
    sum.cents += line.quantity * line.unitPriceCents;
    byProduct.set(line.productId, sum);
  }
  const [unitsField, centsField] = event.type === "OrderConfirmed" ? ["unitsSold", "revenueCents"] : ["unitsRefunded", "refundedCents"];
  const minute = minuteOf(event.occurredAt);
  const increments = [...byProduct].flatMap(([productId, sum]) =>
    [TOTAL, minuteKey(minute)].map((sk) => ({
      Update: {
        TableName: store.tables.salesCounters,
        Key: { pk: productKey(productId), sk },
        UpdateExpression: "ADD #units :units, #cents :cents SET currency = :currency",
        ExpressionAttributeNames: { "#units": unitsField, "#cents": centsField },
        ExpressionAttributeValues: { ":units": sum.units, ":cents": sum.cents, ":currency": event.currency },
      },
    })),
  );
  try {
    await transactWrite(store.db, [
      {
        Put: {
          TableName: store.tables.salesCounters,
          Item: { pk: `event#${event.id}`, sk: "applied", orderId: event.orderId, expiresAt: Math.floor(now.getTime() / 1000) + SALES_MARKER_TTL_SECONDS },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      ...increments,
    ]);
    return true;
  } catch (error) {
    if (transactionCancellationReasons(error)?.[0]?.Code === "ConditionalCheckFailed") return false;
    throw error;
  }
}

function figures(item: Record<string, unknown> | undefined): SalesFigures {
  return {
    unitsSold: Number(item?.unitsSold ?? 0),
    revenueCents: Number(item?.revenueCents ?? 0),
    unitsRefunded: Number(item?.unitsRefunded ?? 0),
    refundedCents: Number(item?.refundedCents ?? 0),
  };
}

/**
 * A product's sales: its running total and its minutes in [from, to] (ISO instants, inclusive,
 * both optional), oldest first. For the operator console and the load report.
 */
export async function readSalesCounters(store: Store, productId: string, range: { from?: string; to?: string } = {}): Promise<ProductSales> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.db.send(
      new QueryCommand({
        TableName: store.tables.salesCounters,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": productKey(productId),
          ":from": minuteKey(range.from ? minuteOf(range.from) : ""),
          // "~" sorts after every digit and "Z": the open end takes every minute.
          ":to": minuteKey(range.to ? minuteOf(range.to) : "~"),
        },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const { Item: total } = await store.db.send(
    new GetCommand({ TableName: store.tables.salesCounters, Key: { pk: productKey(productId), sk: TOTAL }, ConsistentRead: true }),
  );
  const currency = (total?.currency ?? items[0]?.currency) as string | undefined;
  return {
    productId,
    ...(currency ? { currency } : {}),
    total: figures(total),
    minutes: items.map((item) => ({ minute: String(item.sk).slice("minute#".length), ...figures(item) })),
  };
}
