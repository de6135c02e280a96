// Persistence of orders: creation together with its stock reservation and hold counters, reads,
// and every status transition as a write conditional on the current status (what leaving
// PENDING_PAYMENT gives back, stock and holds, rides in the same transaction as the status
// change, so it happens exactly once however often it is attempted).
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed, transactionCancellationReasons } from "../shared/dynamodb-errors";
import { ConcurrencyLimit, OutOfStock, type StockShortfall } from "../shared/domain-error";
import type { Store } from "../shared/store";
import { transactWrite } from "../shared/transact-write";
import { releaseStockItem, releaseUntrackedStockItem, reserveStockItem, sellStockItem } from "../inventory/stock-writes";
import { planReservation, randomShard, readShardLevels, type ShardLevel, type ShardTake } from "../inventory/stock-shards";
import { canTransition, OrderRecord, type CancellationReason, type OrderStatus, type PaymentMismatchRecord } from "./order";
import { chargeHoldItem, holdLimitRefusal, releaseHoldItem, type PlannedHold } from "./reservation-holds";

export type TransitionOutcome =
  | { changed: true; order: OrderRecord }
  | { changed: false; reason: "not_found" }
  | { changed: false; reason: "status"; order: OrderRecord };

function shardOf(orderId: string, shardCount: number): number {
  // Derived from the (random) id, so the shard is stable and evenly spread.
  let hash = 0;
  for (const char of orderId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % shardCount;
}

export function pendingShardFor(orderId: string, shardCount: number): string {
  return `pending#${shardOf(orderId, shardCount)}`;
}

/** The order's partition in the `byStatus` index: its status, spread over the index's shards. */
export function statusShardFor(orderId: string, status: OrderStatus, shardCount: number): string {
  return `${status}#${shardOf(orderId, shardCount)}`;
}

/** The `byStatus` index's sort key: creation time, made unique by the id. */
export function listedAtFor(order: Pick<OrderRecord, "id" | "createdAt">): string {
  return `${order.createdAt}#${order.id}`;
}

/** How often a reservation is planned again after a shard refused it, before giving up. */
const MAX_RESERVATION_ATTEMPTS = 8;

/**
 * Writes a new PENDING_PAYMENT order, reserves its stock and charges its hold counters, all or
 * nothing: the caps are checked atomically with the reservation they limit. Each line is first
 * reserved from one shard chosen at random (among those that held enough when the caller read
 * them, if it says); when a shard refuses, that product's shards are read and the line planned again (another shard, or spread over several in the same transaction),
 * until it fits or the shards together hold too little (OutOfStock). Returns the order as
 * written, with the shards it took from.
 */
export async function insertOrderReservingStock(
  store: Store,
  order: OrderRecord,
  holds: readonly PlannedHold[] = [],
  options: {
    shardCounts?: ReadonlyMap<string, number>;
    /** What each shard held when the caller read the product: the first plan uses it. */
    availableByShard?: ReadonlyMap<string, readonly number[]>;
    random?: () => number;
  } = {},
): Promise<OrderRecord> {
  const random = options.random ?? Math.random;
  const plans = new Map<string, ShardTake[]>(
    order.items.map((line) => {
      const known = options.availableByShard?.get(line.productId);
      const planned = known && known.length === (options.shardCounts?.get(line.productId) ?? 1) ? planReservation(line.productId, known, line.quantity, random) : undefined;
      return [
        line.productId,
        planned ?? [{ productId: line.productId, shard: randomShard(options.shardCounts?.get(line.productId) ?? 1, random), quantity: line.quantity }],
      ];
    }),
  );
  for (let attempt = 1; ; attempt++) {
    const takes = order.items.flatMap((line) => plans.get(line.productId)!);
    const record: OrderRecord = { ...order, stockTakes: takes };
    const charges = holds.map((hold) => chargeHoldItem(store.tables.rateLimits, hold, order.expiresAt));
    try {
      await transactWrite(store.db, [
        ...takes.map((take) => reserveStockItem(store.tables.products, take)),
        {
          Put: {
            TableName: store.tables.orders,
            Item: { ...record, statusShard: statusShardFor(order.id, order.status, store.indexes.byStatus.shardCount), listedAt: listedAtFor(order) },
            ConditionExpression: "attribute_not_exists(id)",
          },
        },
        ...charges,
      ]);
      return record;
    } catch (error) {
      const reasons = transactionCancellationReasons(error);
      if (!reasons) throw error;
      const refusedProducts = new Set(takes.filter((_, index) => reasons[index]?.Code === "ConditionalCheckFailed").map((take) => take.productId));
      if (refusedProducts.size > 0) {
        // Probe: read every shard of the refused products and plan those lines again.
        const refusedLines = order.items.filter((line) => refusedProducts.has(line.productId));
        // A one-shard product's refusal already carries its item (ALL_OLD), no read needed, unless
        // that item says the product has been resharded since the caller looked.
        const knownSingle = new Map<string, ShardLevel[]>();
        takes.forEach((take, index) => {
          const reason = reasons[index];
          if (reason?.Code !== "ConditionalCheckFailed" || (options.shardCounts?.get(take.productId) ?? 1) !== 1) return;
          const item = reason.Item;
          if (!item) knownSingle.set(take.productId, []);
          else if ((item.stockShards?.N ?? "1") === "1") knownSingle.set(take.productId, [{ shard: 0, available: Number(item.stock?.N ?? 0), reserved: 0, sold: 0 }]);
        });
        const levels = await readLevelsOf(store, refusedLines.map((line) => line.productId).filter((id) => !knownSingle.has(id)));
        for (const [productId, single] of knownSingle) levels.set(productId, single);
        const shortfalls: StockShortfall[] = [];
        for (const line of refusedLines) {
          const available = (levels.get(line.productId) ?? []).map((shard) => shard.available);
          const plan = attempt < MAX_RESERVATION_ATTEMPTS ? planReservation(line.productId, available, line.quantity, random) : undefined;
          if (plan) plans.set(line.productId, plan);
          else {
            const total = available.reduce((sum, a) => sum + Math.max(0, a), 0);
            if (total >= line.quantity) {
              throw new ConcurrencyLimit("The stock of an item kept changing while it was reserved; please retry.", 1, error);
            }
            shortfalls.push({ productId: line.productId, name: line.name, requested: line.quantity, available: total });
          }
        }
        // Sold out says more than "you hold too much": waiting for one's own holds would not help.
        if (shortfalls.length > 0) throw new OutOfStock(shortfalls);
        continue;
      }
      const overCap = holds
        .map((hold, index) => ({ hold, reason: reasons[takes.length + 1 + index] }))
        .filter(({ reason }) => reason?.Code === "ConditionalCheckFailed")
        .map(({ hold, reason }) => ({ hold, item: reason!.Item }));
      if (overCap.length > 0) throw holdLimitRefusal(overCap, new Date(order.createdAt));
      throw error;
    }
  }
}

/** Every shard's level of each product, read consistently (a product that is gone has none). */
async function readLevelsOf(store: Store, productIds: readonly string[]) {
  const items = await Promise.all(
    productIds.map(async (id) => (await store.db.send(new GetCommand({ TableName: store.tables.products, Key: { id }, ConsistentRead: true }))).Item),
  );
  return readShardLevels(
    store,
    items.filter((item): item is Record<string, unknown> => item !== undefined),
    { consistent: true },
  );
}

export async function getOrderRecord(store: Store, id: string): Promise<OrderRecord | undefined> {
  const result = await store.db.send(new GetCommand({ TableName: store.tables.orders, Key: { id }, ConsistentRead: true }));
  return result.Item ? OrderRecord.parse(result.Item) : undefined;
}

export async function attachCheckoutSession(
  store: Store,
  orderId: string,
  session: { id: string; url: string },
  now: Date,
): Promise<OrderRecord | undefined> {
  try {
    const result = await store.db.send(
      new UpdateCommand({
        TableName: store.tables.orders,
        Key: { id: orderId },
        UpdateExpression: "SET checkoutSessionId = :sessionId, checkoutUrl = :url, updatedAt = :now",
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":sessionId": session.id, ":url": session.url, ":now": now.toISOString(), ":pending": "PENDING_PAYMENT" },
        ReturnValues: "ALL_NEW",
      }),
    );
    return OrderRecord.parse(result.Attributes);
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

async function outcomeAfterRefusal(store: Store, orderId: string): Promise<TransitionOutcome> {
  const current = await getOrderRecord(store, orderId);
  return current ? { changed: false, reason: "status", order: current } : { changed: false, reason: "not_found" };
}

/**
 * The status part of a transition's write: `#status = :to`, conditional on `#status = :from`.
 * Every status change goes through here, so the state machine in order.ts is what the store
 * enforces: a write for a move the machine does not allow is a bug and throws before any I/O.
 */
function statusChange(store: Store, orderId: string, from: OrderStatus, to: OrderStatus, extraCondition?: string) {
  if (!canTransition(from, to)) throw new Error(`${from} → ${to} is not a transition of the order state machine.`);
  return {
    set: "#status = :to, statusShard = :toShard",
    condition: `#status = :from${extraCondition ? ` AND (${extraCondition})` : ""}`,
    values: { ":from": from, ":to": to, ":toShard": statusShardFor(orderId, to, store.indexes.byStatus.shardCount) },
  };
}

/**
 * One status change as a single-item update conditional on the current status; when the
 * condition fails, the order as it now is tells the caller why (already there, or elsewhere).
 */
async function transition(
  store: Store,
  orderId: string,
  change: { from: OrderStatus; to: OrderStatus; set: string; remove?: string; condition?: string; values: Record<string, unknown> },
): Promise<TransitionOutcome> {
  const status = statusChange(store, orderId, change.from, change.to, change.condition);
  try {
    const result = await store.db.send(
      new UpdateCommand({
        TableName: store.tables.orders,
        Key: { id: orderId },
        UpdateExpression: `SET ${status.set}, ${change.set}${change.remove ? ` REMOVE ${change.remove}` : ""}`,
        ConditionExpression: status.condition,
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ...change.values, ...status.values },
        ReturnValues: "ALL_NEW",
      }),
    );
    return { changed: true, order: OrderRecord.parse(result.Attributes) };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return outcomeAfterRefusal(store, orderId);
    throw error;
  }
}

/**
 * PENDING_PAYMENT → CONFIRMED for a payment already bound to the order (payment-binding.ts), with
 * the order's holds freed in the same transaction (the stock stays sold). The write is also
 * conditional on the order's own session, so nothing can confirm it through another.
 */
export function confirmOrder(
  store: Store,
  orderId: string,
  payment: { sessionId: string; paymentIntentId: string },
  now: Date,
  known?: OrderRecord,
): Promise<TransitionOutcome> {
  return leavePending(store, orderId, now, known, {
    to: "CONFIRMED",
    set: "updatedAt = :now, paymentIntentId = :pi",
    condition: "checkoutSessionId = :sessionId",
    values: { ":pi": payment.paymentIntentId, ":sessionId": payment.sessionId },
    releasesStock: false,
    after: (order) => ({ ...order, status: "CONFIRMED", updatedAt: now.toISOString(), paymentIntentId: payment.paymentIntentId }),
  });
}

/**
 * CONFIRMED → REFUNDED, only for the payment the order was confirmed with. Stock is not put back:
 * a refund is money, not goods (they may have shipped); returns are a separate process.
 */
export function refundOrder(store: Store, orderId: string, paymentIntentId: string, now: Date): Promise<TransitionOutcome> {
  return transition(store, orderId, {
    from: "CONFIRMED",
    to: "REFUNDED",
    set: "updatedAt = :now",
    condition: "paymentIntentId = :pi",
    values: { ":pi": paymentIntentId, ":now": now.toISOString() },
  });
}

/** PENDING_PAYMENT → CANCELLED, with the order's stock back on the shelf and its holds freed, in one transaction. */
export function cancelOrder(store: Store, orderId: string, reason: CancellationReason, now: Date, known?: OrderRecord): Promise<TransitionOutcome> {
  return leavePending(store, orderId, now, known, {
    to: "CANCELLED",
    set: "cancellationReason = :reason, updatedAt = :now",
    values: { ":reason": reason },
    releasesStock: true,
    after: (order) => ({ ...order, status: "CANCELLED", cancellationReason: reason, updatedAt: now.toISOString() }),
  });
}

/**
 * Moves a pending order on, conditional on its still being PENDING_PAYMENT, in one transaction
 * with what leaving that status gives back: its hold counters, and its stock on cancellation.
 * The order is read first for its lines and holds (both fixed once it is written), so whichever
 * of two racing transitions commits first is the only one that gives anything back. A caller that
 * has just read the order passes it as `known` to save that read: its status may be stale, which
 * the write's condition settles (a refused write reports the order as it now is).
 */
async function leavePending(
  store: Store,
  orderId: string,
  now: Date,
  known: OrderRecord | undefined,
  change: {
    to: OrderStatus;
    set: string;
    values: Record<string, unknown>;
    /** Further condition on the order, besides its being PENDING_PAYMENT. */
    condition?: string;
    releasesStock: boolean;
    after: (order: OrderRecord) => OrderRecord;
  },
): Promise<TransitionOutcome> {
  const order = known ?? (await getOrderRecord(store, orderId));
  if (!order) return { changed: false, reason: "not_found" };
  if (order.status !== "PENDING_PAYMENT") return { changed: false, reason: "status", order };
  const values = { ...change.values, ":now": now.toISOString() };
  // What the order's stock becomes: released to, or sold from, the shards it was taken from. An
  // order placed before stock was sharded records no shards: it never counted in `reserved`.
  const stockWrites = order.stockTakes
    ? order.stockTakes.map((take) => (change.releasesStock ? releaseStockItem : sellStockItem)(store.tables.products, take))
    : change.releasesStock
      ? order.items.map((line) => releaseUntrackedStockItem(store.tables.products, line))
      : [];
  // Nothing else to write (a confirmation of an untracked order placed with the caps off): one conditional update does.
  if (stockWrites.length === 0 && !order.holds?.length) {
    return transition(store, orderId, { ...change, from: "PENDING_PAYMENT", remove: "pendingShard", values });
  }
  const status = statusChange(store, orderId, "PENDING_PAYMENT", change.to, change.condition);
  try {
    await transactWrite(store.db, [
      {
        Update: {
          TableName: store.tables.orders,
          Key: { id: orderId },
          UpdateExpression: `SET ${status.set}, ${change.set} REMOVE pendingShard`,
          ConditionExpression: status.condition,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ...values, ...status.values },
        },
      },
      ...stockWrites,
      ...(order.holds ?? []).map((charge) => releaseHoldItem(store.tables.rateLimits, charge, now)),
    ]);
  } catch (error) {
    const reasons = transactionCancellationReasons(error);
    if (reasons?.[0]?.Code === "ConditionalCheckFailed") return outcomeAfterRefusal(store, orderId);
    throw error;
  }
  const { pendingShard: _removed, ...rest } = order;
  return { changed: true, order: { ...change.after(rest), statusShard: status.values[":toShard"] } };
}

/** How many mismatched payment events an order keeps (an item must stay far below 400 KB). */
export const MAX_RECORDED_MISMATCHES = 20;

/**
 * Keeps a payment that named this order but did not match it, once per source (a redelivered
 * event is recorded once). Never changes the order's status. False when already recorded, the
 * order is gone, or it already holds MAX_RECORDED_MISMATCHES (the log and metric still count it).
 */
export async function recordPaymentMismatch(store: Store, orderId: string, mismatch: PaymentMismatchRecord): Promise<boolean> {
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.orders,
        Key: { id: orderId },
        UpdateExpression: "SET paymentMismatches = list_append(if_not_exists(paymentMismatches, :empty), :entry) ADD paymentMismatchSources :source",
        ConditionExpression:
          "attribute_exists(id) AND NOT contains(paymentMismatchSources, :sourceId) AND (attribute_not_exists(paymentMismatches) OR size(paymentMismatches) < :max)",
        ExpressionAttributeValues: {
          ":empty": [],
          ":entry": [mismatch],
          ":source": new Set([mismatch.source]),
          ":sourceId": mismatch.source,
          ":max": MAX_RECORDED_MISMATCHES,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Records how much of the order's payment Stripe has refunded so far (a partial refund, from the
 * console or the Stripe Dashboard). Only for the payment the order was confirmed with, and only
 * upwards: the amount only grows, so an older event arriving late changes nothing. False when
 * nothing changed (and for an amount over the order's total).
 */
export async function recordProviderRefunds(store: Store, orderId: string, paymentIntentId: string, amountRefundedCents: number): Promise<boolean> {
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.orders,
        Key: { id: orderId },
        UpdateExpression: "SET providerRefundedCents = :amount",
        // Never more than the order's total: Stripe caps it there, so a larger figure is not Stripe's.
        ConditionExpression:
          "paymentIntentId = :payment AND totalCents >= :amount AND (attribute_not_exists(providerRefundedCents) OR providerRefundedCents < :amount)",
        ExpressionAttributeValues: { ":amount": amountRefundedCents, ":payment": paymentIntentId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Notes the automatic refund of a payment that landed on a cancelled order (first writer wins). */
export async function recordLatePaymentRefund(
  store: Store,
  orderId: string,
  refund: { paymentIntentId: string; refundId: string | undefined },
  now: Date,
): Promise<void> {
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.orders,
        Key: { id: orderId },
        UpdateExpression: "SET latePaymentRefund = :refund",
        ConditionExpression: "#status = :cancelled AND attribute_not_exists(latePaymentRefund)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":refund": { paymentIntentId: refund.paymentIntentId, ...(refund.refundId ? { refundId: refund.refundId } : {}), refundedAt: now.toISOString() },
          ":cancelled": "CANCELLED" satisfies OrderStatus,
        },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** Pending orders whose reservation lapsed before `cutoff` (epoch seconds), oldest first, across every shard. */
export async function findLapsedPendingOrders(store: Store, cutoff: number, limitPerShard: number): Promise<OrderRecord[]> {
  const { name, shardCount } = store.indexes.pendingByExpiry;
  const pages = await Promise.all(
    Array.from({ length: shardCount }, (_, shard) =>
      store.db.send(
        new QueryCommand({
          TableName: store.tables.orders,
          IndexName: name,
          KeyConditionExpression: "pendingShard = :shard AND expiresAt < :cutoff",
          ExpressionAttributeValues: { ":shard": `pending#${shard}`, ":cutoff": cutoff },
          Limit: limitPerShard,
        }),
      ),
    ),
  );
  return pages.flatMap((page) => (page.Items ?? []).map((item) => OrderRecord.parse(item)));
}
