// Sales per product, per minute and in total, maintained from order events: a confirmation adds
// its units and revenue, a refund adds to the refunded units and amount. Orders of the whole shop
// are counted too, per minute and in total: placed, confirmed, cancelled and refunded (the live
// sale view's orders per minute). Each event counts once, whatever the redeliveries: the
// increments ride in one transaction with a marker keyed by the event id whose put is conditional
// on its absence, so a second delivery changes nothing.
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

/** Orders of the whole shop by what happened to them (one event each). */
export interface OrderCounts {
  placed: number;
  confirmed: number;
  cancelled: number;
  refunded: number;
}

export interface OrderCountsMinute extends OrderCounts {
  /** The minute, as `YYYY-MM-DDTHH:MMZ` (UTC). */
  minute: string;
}

export interface ShopOrders {
  total: OrderCounts;
  /** Oldest first; minutes with no event are absent. */
  minutes: OrderCountsMinute[];
}

const productKey = (productId: string) => `product#${productId}`;
/** The shop's order counters: one item per minute and one total, beside the products'. */
const ORDERS_KEY = "orders";
const orderCountField = { OrderPlaced: "placed", OrderConfirmed: "confirmed", OrderCancelled: "cancelled", OrderRefunded: "refunded" } as const satisfies Record<OrderEvent["type"], keyof OrderCounts>;
const TOTAL = "total";
const minuteKey = (minute: string) => `minute#${minute}`;

/** The UTC minute an instant falls in, e.g. `2030-01-01T12:05Z`. */
export function minuteOf(at: string): string {
  return `${new Date(at).toISOString().slice(0, 16)}Z`;
}

type Sale = OrderConfirmed | OrderRefunded;

function isSale(event: OrderEvent): event is Sale {
  return event.type === "OrderConfirmed" || event.type === "OrderRefunded";
}

/**
 * Counts the event: every order event in the shop's order counts (its minute and the total), and a
 * confirmation's or refund's lines per product. False when this event was counted already.
 */
export async function recordSale(store: Store, event: OrderEvent, now: Date): Promise<boolean> {
  const minute = minuteOf(event.occurredAt);
  const orderCounts = [TOTAL, minuteKey(minute)].map((sk) => ({
    Update: {
      TableName: store.tables.salesCounters,
      Key: { pk: ORDERS_KEY, sk },
      UpdateExpression: "ADD #count :one",
      ExpressionAttributeNames: { "#count": orderCountField[event.type] },
      ExpressionAttributeValues: { ":one": 1 },
    },
  }));
  const increments = [...orderCounts, ...(isSale(event) ? productIncrements(store, event, minute) : [])];
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

/** One update per product and item: a transaction may not touch an item twice. */
function productIncrements(store: Store, event: Sale, minute: string) {
  const byProduct = new Map<string, { units: number; cents: number }>();
  for (const line of event.items) {
    const sum = byProduct.get(line.productId) ?? { units: 0, cents: 0 };
    sum.units += line.quantity;
    sum.cents += line.quantity * line.unitPriceCents;
    byProduct.set(line.productId, sum);
  }
  const [unitsField, centsField] = event.type === "OrderConfirmed" ? ["unitsSold", "revenueCents"] : ["unitsRefunded", "refundedCents"];
  return [...byProduct].flatMap(([productId, sum]) =>
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
}

function figures(item: Record<string, unknown> | undefined): SalesFigures {
  return {
    unitsSold: Number(item?.unitsSold ?? 0),
    revenueCents: Number(item?.revenueCents ?? 0),
    unitsRefunded: Number(item?.unitsRefunded ?? 0),
    refundedCents: Number(item?.refundedCents ?? 0),
  };
}

/** A counter's total item, and its minute items in [from, to] (oldest first) with their minute. */
async function readCounters(store: Store, pk: string, range: { from?: string; to?: string }) {
  const minutes: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.db.send(
      new QueryCommand({
        TableName: store.tables.salesCounters,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": pk,
          ":from": minuteKey(range.from ? minuteOf(range.from) : ""),
          // "~" sorts after every digit and "Z": the open end takes every minute.
          ":to": minuteKey(range.to ? minuteOf(range.to) : "~"),
        },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    minutes.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const { Item: total } = await store.db.send(new GetCommand({ TableName: store.tables.salesCounters, Key: { pk, sk: TOTAL }, ConsistentRead: true }));
  return { total, minutes: minutes.map((item) => ({ minute: String(item.sk).slice("minute#".length), item })) };
}

/**
 * A product's sales: its running total and its minutes in [from, to] (ISO instants, inclusive,
 * both optional), oldest first. For the operator console and the load report.
 */
export async function readSalesCounters(store: Store, productId: string, range: { from?: string; to?: string } = {}): Promise<ProductSales> {
  const { total, minutes } = await readCounters(store, productKey(productId), range);
  const currency = (total?.currency ?? minutes[0]?.item.currency) as string | undefined;
  return {
    productId,
    ...(currency ? { currency } : {}),
    total: figures(total),
    minutes: minutes.map(({ minute, item }) => ({ minute, ...figures(item) })),
  };
}

function orderCounts(item: Record<string, unknown> | undefined): OrderCounts {
  return { placed: Number(item?.placed ?? 0), confirmed: Number(item?.confirmed ?? 0), cancelled: Number(item?.cancelled ?? 0), refunded: Number(item?.refunded ?? 0) };
}

/** The shop's orders: counts since the counters began and per minute in [from, to], oldest first. */
export async function readOrderCounts(store: Store, range: { from?: string; to?: string } = {}): Promise<ShopOrders> {
  const { total, minutes } = await readCounters(store, ORDERS_KEY, range);
  return { total: orderCounts(total), minutes: minutes.map(({ minute, item }) => ({ minute, ...orderCounts(item) })) };
}
