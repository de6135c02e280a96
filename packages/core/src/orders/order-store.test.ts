// The order store against DynamoDB Local: its conditional writes are the logic (stock never
// negative, each transition once and only from the status it names, confirm only through the
// order's own session, refund only for the payment it was confirmed with), so they run on the
// real conditions, and each refusal is checked for what it reports and for changing nothing.
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { recordingStore, createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { stockItemsOf, stockShardKey } from "../inventory/stock-shards";
import { ConcurrencyLimit, HoldLimitReached, OutOfStock } from "../shared/domain-error";
import type { OrderRecord, PaymentMismatchRecord } from "./order";
import {
  MAX_RECORDED_MISMATCHES,
  attachCheckoutSession,
  cancelOrder,
  confirmOrder,
  findLapsedPendingOrders,
  getOrderRecord,
  insertOrderReservingStock,
  pendingShardFor,
  recordLatePaymentRefund,
  recordPaymentMismatch,
  recordProviderRefunds,
  refundOrder,
  statusShardFor,
} from "./order-store";
import { HOLD_COUNTER_TTL_MARGIN_SECONDS, planHolds, type HoldLimits } from "./reservation-holds";

// A switch to make the state machine refuse every move, to show the store enforces it.
const machine = vi.hoisted(() => ({ refuseAll: false }));
vi.mock("./order", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./order")>();
  return { ...actual, canTransition: (from: never, to: never) => !machine.refuseAll && actual.canTransition(from, to) };
});

/** The order's partition of the console's byStatus index once it has moved to `status` (it moves with every status change). */
const shardAs = (order: OrderRecord, status: OrderRecord["status"]) => statusShardFor(order.id, status, u.store.indexes.byStatus.shardCount);

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const now = new Date("2030-01-01T12:00:00.000Z");
const later = new Date("2030-01-01T12:05:00.000Z");
const expiresAt = Math.floor(now.getTime() / 1000) + 35 * 60;

async function shelf(stock: number, overrides: Partial<Product> = {}): Promise<Product> {
  const product = testProduct({ stock, ...overrides });
  await u.putProduct(product);
  return product;
}

/** A pending order written as is (its stock, `remaining`, already taken off the shelf). */
async function pendingOrder(options: { quantity?: number; remaining?: number; sessionId?: string; expiresAt?: number } = {}) {
  const product = await shelf(options.remaining ?? 7);
  const { record } = pendingOrderRecord(u.store, {
    lines: [{ product, quantity: options.quantity ?? 3 }],
    expiresAt: options.expiresAt ?? expiresAt,
    ...(options.sessionId ? { checkoutSessionId: options.sessionId } : {}),
    now,
  });
  await u.putOrder(record);
  return { record, product };
}

const email = () => `holder-${Math.random().toString(36).slice(2)}@example.com`;
const limits = { email: { orders: 2, units: 4, perProduct: 4 } };

async function holdCounter(key: string) {
  const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.rateLimits, Key: { id: key }, ConsistentRead: true }));
  return Item ? { units: Number(Item.units), orders: Number(Item.orders) } : undefined;
}

async function counterItem(key: string) {
  const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.rateLimits, Key: { id: key }, ConsistentRead: true }));
  return Item;
}

/** A pending order placed as createOrder places it: stock reserved and holds charged in one transaction. */
async function placedWithHolds(who: string, product: Product, quantity: number, sessionId?: string, caps: HoldLimits = limits) {
  const holds = planHolds({ email: who }, [{ productId: product.id, quantity }], caps);
  const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity }], expiresAt, now, ...(sessionId ? { checkoutSessionId: sessionId } : {}) });
  const withHolds: OrderRecord = { ...record, holds: holds.map(({ key, units, orders }) => ({ key, units, orders })) };
  return insertOrderReservingStock(u.store, withHolds, holds);
}

/** The real store, except that every command of one kind fails with a DynamoDB error that is not a refused condition. */
function failingOn(kind: typeof UpdateCommand | typeof TransactWriteCommand) {
  const outage = Object.assign(new Error("Throughput exceeds the current capacity."), { name: "ProvisionedThroughputExceededException" });
  const db = { send: (command: unknown) => (command instanceof kind ? Promise.reject(outage) : u.store.db.send(command as never)) };
  return { store: { ...u.store, db: db as unknown as DynamoDBDocumentClient }, outage };
}

const refusal = (attempt: Promise<unknown>) =>
  attempt.then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: unknown) => error,
  );

describe("pendingShardFor", () => {
  it("puts every id on one of the shards, the same one each time, and uses them all", () => {
    const shards = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { record } = pendingOrderRecord(u.store, { lines: [{ product: testProduct(), quantity: 1 }], expiresAt });
      const shard = pendingShardFor(record.id, 8);
      expect(shard).toMatch(/^pending#[0-7]$/);
      expect(pendingShardFor(record.id, 8)).toBe(shard);
      shards.add(shard);
    }
    expect(shards.size).toBe(8);
  });
});

describe("insertOrderReservingStock", () => {
  it("writes the order and takes its stock, all or nothing", async () => {
    const mug = await shelf(5);
    const lamp = await shelf(2);
    const { record } = pendingOrderRecord(u.store, { lines: [{ product: mug, quantity: 5 }, { product: lamp, quantity: 1 }], expiresAt });
    const placed = await insertOrderReservingStock(u.store, record);
    expect([await u.stockOf(mug.id), await u.stockOf(lamp.id)]).toEqual([0, 1]);
    // The order keeps which shard each unit came from (one-shard products: the product item).
    expect(placed).toEqual({
      ...record,
      stockTakes: [
        { productId: mug.id, shard: 0, quantity: 5 },
        { productId: lamp.id, shard: 0, quantity: 1 },
      ],
    });
    expect(await u.orderRecord(record.id)).toEqual(placed);
  });

  it("reports each short line with what is left (a missing product has none) and writes nothing", async () => {
    const mug = await shelf(5);
    const lamp = await shelf(2, { name: "Lamp" });
    const gone = testProduct({ name: "Gone" });
    const { record } = pendingOrderRecord(u.store, {
      lines: [{ product: mug, quantity: 5 }, { product: lamp, quantity: 3 }, { product: gone, quantity: 1 }],
      expiresAt,
    });
    const error = await refusal(insertOrderReservingStock(u.store, record));
    expect(error).toBeInstanceOf(OutOfStock);
    expect((error as OutOfStock).shortfalls).toEqual([
      { productId: lamp.id, name: "Lamp", requested: 3, available: 2 },
      { productId: gone.id, name: "Gone", requested: 1, available: 0 },
    ]);
    expect([await u.stockOf(mug.id), await u.stockOf(lamp.id), await u.stockOf(gone.id)]).toEqual([5, 2, undefined]);
    expect(await u.orderRecord(record.id)).toBeUndefined();
  });

  it("never reports negative availability", async () => {
    const odd = await shelf(0);
    await u.putProduct({ ...odd, stock: -2 });
    const { record } = pendingOrderRecord(u.store, { lines: [{ product: odd, quantity: 1 }], expiresAt });
    const error = await refusal(insertOrderReservingStock(u.store, record));
    expect((error as OutOfStock).shortfalls).toEqual([expect.objectContaining({ productId: odd.id, available: 0 })]);
  });

  it("rethrows a refusal that is neither stock nor a cap (an order id already taken)", async () => {
    const mug = await shelf(5);
    const { record } = pendingOrderRecord(u.store, { lines: [{ product: mug, quantity: 1 }], expiresAt });
    await insertOrderReservingStock(u.store, record);
    const error = await refusal(insertOrderReservingStock(u.store, { ...record, email: "someone-else@example.com" }));
    expect(error).toMatchObject({ name: "TransactionCanceledException" });
    expect(await u.stockOf(mug.id)).toBe(4);
    expect((await u.orderRecord(record.id))?.email).toBe(record.email);
  });

  it("charges the hold counters with the reservation and refuses past a cap, saying how long until the holds lapse", async () => {
    const mug = await shelf(20);
    const who = email();
    await placedWithHolds(who, mug, 3);
    expect(await holdCounter(`hold#email#${who}`)).toEqual({ units: 3, orders: 1 });

    const holds = planHolds({ email: who }, [{ productId: mug.id, quantity: 2 }], limits);
    const { record } = pendingOrderRecord(u.store, { lines: [{ product: mug, quantity: 2 }], expiresAt, now });
    const error = await refusal(insertOrderReservingStock(u.store, record, holds));
    expect(error).toBeInstanceOf(HoldLimitReached);
    expect((error as HoldLimitReached).breaches).toEqual([{ holder: "email", limit: "units", max: 4, held: 3, requested: 2 }]);
    expect((error as HoldLimitReached).retryAfterSeconds).toBe(35 * 60);
    expect(await u.stockOf(mug.id)).toBe(17);
    expect(await holdCounter(`hold#email#${who}`)).toEqual({ units: 3, orders: 1 });
    expect(await u.orderRecord(record.id)).toBeUndefined();
  });

  it("refuses on the order count when the units still fit exactly", async () => {
    const mug = await shelf(20);
    const who = email();
    const caps = { email: { orders: 1, units: 4, perProduct: 4 } };
    await placedWithHolds(who, mug, 2, undefined, caps);
    const holds = planHolds({ email: who }, [{ productId: mug.id, quantity: 2 }], caps);
    const { record } = pendingOrderRecord(u.store, { lines: [{ product: mug, quantity: 2 }], expiresAt, now });
    const error = await refusal(insertOrderReservingStock(u.store, record, holds));
    expect((error as HoldLimitReached).breaches).toEqual([{ holder: "email", limit: "orders", max: 1, held: 1, requested: 1 }]);
  });

  it("keeps a per-product counter below the holder's unit cap, and gives it back on cancel", async () => {
    const mug = await shelf(20);
    const who = email();
    const caps = { email: { orders: 5, units: 10, perProduct: 3 } };
    const first = await placedWithHolds(who, mug, 2, undefined, caps);
    const productKey = `hold#product#${mug.id}#email#${who}`;
    expect(first.holds).toEqual([
      { key: `hold#email#${who}`, units: 2, orders: 1 },
      { key: productKey, units: 2, orders: 0 },
    ]);
    expect(await counterItem(productKey)).toEqual({ id: productKey, units: 2, lapsesAt: expiresAt, expiresAt: expiresAt + HOLD_COUNTER_TTL_MARGIN_SECONDS });

    const holds = planHolds({ email: who }, [{ productId: mug.id, quantity: 2 }], caps);
    const { record } = pendingOrderRecord(u.store, { lines: [{ product: mug, quantity: 2 }], expiresAt, now });
    const error = await refusal(insertOrderReservingStock(u.store, record, holds));
    expect((error as HoldLimitReached).breaches).toEqual([{ holder: "email", limit: "perProduct", productId: mug.id, max: 3, held: 2, requested: 2 }]);
    expect(await holdCounter(`hold#email#${who}`)).toEqual({ units: 2, orders: 1 });

    await cancelOrder(u.store, first.id, "cancelled_by_shopper", later);
    expect(await counterItem(productKey)).toMatchObject({ units: 0 });
    expect(await holdCounter(`hold#email#${who}`)).toEqual({ units: 0, orders: 0 });
  });

  it("gives back to a counter the TTL already deleted (negative, expiring again)", async () => {
    const mug = await shelf(20);
    const who = email();
    const order = await placedWithHolds(who, mug, 3);
    await u.store.db.send(new DeleteCommand({ TableName: u.store.tables.rateLimits, Key: { id: `hold#email#${who}` } }));
    await cancelOrder(u.store, order.id, "reservation_lapsed", later);
    expect(await counterItem(`hold#email#${who}`)).toEqual({
      id: `hold#email#${who}`,
      units: -3,
      orders: -1,
      expiresAt: Math.floor(later.getTime() / 1000) + HOLD_COUNTER_TTL_MARGIN_SECONDS,
    });
  });

  it("says sold out rather than over a cap when both refuse", async () => {
    const mug = await shelf(4);
    const who = email();
    await placedWithHolds(who, mug, 3);
    const holds = planHolds({ email: who }, [{ productId: mug.id, quantity: 2 }], limits);
    const { record } = pendingOrderRecord(u.store, { lines: [{ product: mug, quantity: 2 }], expiresAt, now });
    const error = await refusal(insertOrderReservingStock(u.store, record, holds));
    expect(error).toBeInstanceOf(OutOfStock);
  });
});

describe("attachCheckoutSession", () => {
  it("sets the session on a pending order", async () => {
    const { record } = await pendingOrder();
    const attached = await attachCheckoutSession(u.store, record.id, { id: "cs_test_a", url: "https://checkout.example/a" }, later);
    expect(attached).toEqual({ ...record, checkoutSessionId: "cs_test_a", checkoutUrl: "https://checkout.example/a", updatedAt: later.toISOString() });
    expect(await u.orderRecord(record.id)).toEqual(attached);
  });

  it("leaves an order that is no longer pending alone, and does not create a missing one", async () => {
    const { record } = await pendingOrder();
    await cancelOrder(u.store, record.id, "reservation_lapsed", now);
    expect(await attachCheckoutSession(u.store, record.id, { id: "cs_test_b", url: "https://checkout.example/b" }, later)).toBeUndefined();
    expect((await u.orderRecord(record.id))?.checkoutSessionId).toBeUndefined();
    expect(await attachCheckoutSession(u.store, "ord_00000000000000000000000000", { id: "cs_test_c", url: "https://x" }, later)).toBeUndefined();
    expect(await u.orderRecord("ord_00000000000000000000000000")).toBeUndefined();
  });
});

describe("confirmOrder", () => {
  it("confirms through the order's own session, keeps the stock sold and takes it off the pending index", async () => {
    const { record, product } = await pendingOrder({ sessionId: "cs_test_own" });
    const outcome = await confirmOrder(u.store, record.id, { sessionId: "cs_test_own", paymentIntentId: "pi_test_1" }, later);
    const { pendingShard: _gone, ...rest } = record;
    expect(outcome).toEqual({ changed: true, order: { ...rest, status: "CONFIRMED", statusShard: shardAs(record, "CONFIRMED"), paymentIntentId: "pi_test_1", updatedAt: later.toISOString() } });
    expect(await u.orderRecord(record.id)).toEqual({ ...rest, status: "CONFIRMED", statusShard: shardAs(record, "CONFIRMED"), paymentIntentId: "pi_test_1", updatedAt: later.toISOString() });
    expect(await u.stockOf(product.id)).toBe(7);
  });

  it("refuses another session's payment and changes nothing", async () => {
    const { record } = await pendingOrder({ sessionId: "cs_test_own" });
    const outcome = await confirmOrder(u.store, record.id, { sessionId: "cs_test_other", paymentIntentId: "pi_test_1" }, later);
    expect(outcome).toEqual({ changed: false, reason: "status", order: record });
    expect(await u.orderRecord(record.id)).toEqual(record);
  });

  it("reports an order already confirmed, or cancelled, or missing", async () => {
    const { record } = await pendingOrder({ sessionId: "cs_test_own" });
    await confirmOrder(u.store, record.id, { sessionId: "cs_test_own", paymentIntentId: "pi_test_1" }, now);
    const again = await confirmOrder(u.store, record.id, { sessionId: "cs_test_own", paymentIntentId: "pi_test_2" }, later);
    expect(again).toMatchObject({ changed: false, reason: "status", order: { status: "CONFIRMED", paymentIntentId: "pi_test_1", updatedAt: now.toISOString() } });

    const cancelled = await pendingOrder({ sessionId: "cs_test_c" });
    await cancelOrder(u.store, cancelled.record.id, "checkout_session_expired", now);
    expect(await confirmOrder(u.store, cancelled.record.id, { sessionId: "cs_test_c", paymentIntentId: "pi_test_3" }, later)).toMatchObject({
      changed: false,
      reason: "status",
      order: { status: "CANCELLED" },
    });

    expect(await confirmOrder(u.store, "ord_00000000000000000000000001", { sessionId: "cs_x", paymentIntentId: "pi_x" }, later)).toEqual({
      changed: false,
      reason: "not_found",
    });
    expect(await u.orderRecord("ord_00000000000000000000000001")).toBeUndefined();
  });

  it("frees the order's holds in the same transaction, and only through its own session", async () => {
    const mug = await shelf(20);
    const who = email();
    const order = await placedWithHolds(who, mug, 3, "cs_test_held");
    const refused = await confirmOrder(u.store, order.id, { sessionId: "cs_test_wrong", paymentIntentId: "pi_test_h" }, later);
    expect(refused).toMatchObject({ changed: false, reason: "status", order: { status: "PENDING_PAYMENT" } });
    expect(await holdCounter(`hold#email#${who}`)).toEqual({ units: 3, orders: 1 });

    const outcome = await confirmOrder(u.store, order.id, { sessionId: "cs_test_held", paymentIntentId: "pi_test_h" }, later);
    const { pendingShard: _gone, ...rest } = order;
    expect(outcome).toEqual({ changed: true, order: { ...rest, status: "CONFIRMED", statusShard: shardAs(order, "CONFIRMED"), paymentIntentId: "pi_test_h", updatedAt: later.toISOString() } });
    expect(await u.orderRecord(order.id)).toEqual({ ...rest, status: "CONFIRMED", statusShard: shardAs(order, "CONFIRMED"), paymentIntentId: "pi_test_h", updatedAt: later.toISOString() });
    expect(await holdCounter(`hold#email#${who}`)).toEqual({ units: 0, orders: 0 });
    expect(await u.stockOf(mug.id)).toBe(17);
  });
});

describe("refundOrder", () => {
  it("refunds a confirmed order only for the payment it was confirmed with", async () => {
    const { record, product } = await pendingOrder({ sessionId: "cs_test_r" });
    await confirmOrder(u.store, record.id, { sessionId: "cs_test_r", paymentIntentId: "pi_test_paid" }, now);

    const wrong = await refundOrder(u.store, record.id, "pi_test_someone_else", later);
    expect(wrong).toMatchObject({ changed: false, reason: "status", order: { status: "CONFIRMED", updatedAt: now.toISOString() } });

    const outcome = await refundOrder(u.store, record.id, "pi_test_paid", later);
    expect(outcome).toMatchObject({ changed: true, order: { id: record.id, status: "REFUNDED", paymentIntentId: "pi_test_paid", updatedAt: later.toISOString() } });
    expect(await u.orderRecord(record.id)).toMatchObject({ status: "REFUNDED", updatedAt: later.toISOString() });
    // A refund is money, not goods.
    expect(await u.stockOf(product.id)).toBe(7);

    expect(await refundOrder(u.store, record.id, "pi_test_paid", later)).toMatchObject({ changed: false, reason: "status", order: { status: "REFUNDED" } });
  });

  it("does not refund a pending order, nor a missing one", async () => {
    const { record } = await pendingOrder();
    expect(await refundOrder(u.store, record.id, "pi_test_any", later)).toEqual({ changed: false, reason: "status", order: record });
    expect(await u.orderRecord(record.id)).toEqual(record);
    expect(await refundOrder(u.store, "ord_00000000000000000000000002", "pi_test_any", later)).toEqual({ changed: false, reason: "not_found" });
    expect(await u.orderRecord("ord_00000000000000000000000002")).toBeUndefined();
  });
});

describe("cancelOrder", () => {
  it("cancels with its reason, puts the stock back and frees the holds, in one transaction", async () => {
    const mug = await shelf(20);
    const who = email();
    const order = await placedWithHolds(who, mug, 3);
    const outcome = await cancelOrder(u.store, order.id, "cancelled_by_shopper", later);
    const { pendingShard: _gone, ...rest } = order;
    const expected = { ...rest, status: "CANCELLED", statusShard: shardAs(order, "CANCELLED"), cancellationReason: "cancelled_by_shopper", updatedAt: later.toISOString() };
    expect(outcome).toEqual({ changed: true, order: expected });
    expect(await u.orderRecord(order.id)).toEqual(expected);
    expect(await u.stockOf(mug.id)).toBe(20);
    expect(await holdCounter(`hold#email#${who}`)).toEqual({ units: 0, orders: 0 });
  });

  it("gives back once when two cancels race, and the loser is told the order's status", async () => {
    const { record, product } = await pendingOrder({ quantity: 3, remaining: 7 });
    const outcomes = await Promise.all([
      cancelOrder(u.store, record.id, "reservation_lapsed", later),
      cancelOrder(u.store, record.id, "checkout_session_expired", later),
      cancelOrder(u.store, record.id, "cancelled_by_shopper", later),
    ]);
    expect(outcomes.filter((o) => o.changed)).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => !o.changed)) expect(outcome).toMatchObject({ reason: "status", order: { status: "CANCELLED" } });
    expect(await u.stockOf(product.id)).toBe(10);
  });

  it("does not cancel a confirmed order, nor a missing one", async () => {
    const { record, product } = await pendingOrder({ sessionId: "cs_test_k" });
    await confirmOrder(u.store, record.id, { sessionId: "cs_test_k", paymentIntentId: "pi_test_k" }, now);
    expect(await cancelOrder(u.store, record.id, "reservation_lapsed", later)).toMatchObject({ changed: false, reason: "status", order: { status: "CONFIRMED" } });
    expect(await u.stockOf(product.id)).toBe(7);
    expect(await cancelOrder(u.store, "ord_00000000000000000000000003", "reservation_lapsed", later)).toEqual({ changed: false, reason: "not_found" });
  });

  it("refuses a move the state machine does not allow before any write", async () => {
    const { record, product } = await pendingOrder({ sessionId: "cs_test_m" });
    machine.refuseAll = true;
    try {
      await expect(cancelOrder(u.store, record.id, "reservation_lapsed", later)).rejects.toThrow("PENDING_PAYMENT → CANCELLED is not a transition of the order state machine.");
      await expect(confirmOrder(u.store, record.id, { sessionId: "cs_test_m", paymentIntentId: "pi_test_m" }, later)).rejects.toThrow(/PENDING_PAYMENT → CONFIRMED/);
    } finally {
      machine.refuseAll = false;
    }
    expect(await u.orderRecord(record.id)).toEqual(record);
    expect(await u.stockOf(product.id)).toBe(7);
  });
});

describe("errors that are not refusals", () => {
  it("surface as they are from every write, never read as a refused condition", async () => {
    const { record } = await pendingOrder({ sessionId: "cs_test_e" });
    const updates = failingOn(UpdateCommand);
    await expect(attachCheckoutSession(updates.store, record.id, { id: "cs_test_e2", url: "https://x" }, later)).rejects.toBe(updates.outage);
    await expect(confirmOrder(updates.store, record.id, { sessionId: "cs_test_e", paymentIntentId: "pi_test_e" }, later)).rejects.toBe(updates.outage);
    await expect(recordPaymentMismatch(updates.store, record.id, { source: "evt_e", at: now.toISOString(), fields: [] })).rejects.toBe(updates.outage);
    await expect(recordLatePaymentRefund(updates.store, record.id, { paymentIntentId: "pi_test_e", refundId: undefined }, later)).rejects.toBe(updates.outage);

    const transactions = failingOn(TransactWriteCommand);
    await expect(cancelOrder(transactions.store, record.id, "reservation_lapsed", later)).rejects.toBe(transactions.outage);
    await expect(insertOrderReservingStock(transactions.store, pendingOrderRecord(u.store, { lines: [{ product: testProduct(), quantity: 1 }], expiresAt }).record)).rejects.toBe(
      transactions.outage,
    );
    expect(await u.orderRecord(record.id)).toEqual(record);

    await confirmOrder(u.store, record.id, { sessionId: "cs_test_e", paymentIntentId: "pi_test_e" }, later);
    await expect(refundOrder(updates.store, record.id, "pi_test_e", later)).rejects.toBe(updates.outage);
    await expect(recordProviderRefunds(updates.store, record.id, "pi_test_e", 100)).rejects.toBe(updates.outage);
  });
});

describe("recordPaymentMismatch", () => {
  const mismatch = (source: string): PaymentMismatchRecord => ({
    source,
    at: now.toISOString(),
    sessionId: "cs_test_other",
    fields: [{ field: "amount_total", expected: 3750, received: 100 }],
  });

  it("keeps each source once and never touches the status", async () => {
    const { record } = await pendingOrder();
    expect(await recordPaymentMismatch(u.store, record.id, mismatch("evt_1"))).toBe(true);
    expect(await recordPaymentMismatch(u.store, record.id, mismatch("evt_1"))).toBe(false);
    expect(await recordPaymentMismatch(u.store, record.id, mismatch("evt_2"))).toBe(true);
    const stored = await u.orderRecord(record.id);
    expect(stored?.paymentMismatches).toEqual([mismatch("evt_1"), mismatch("evt_2")]);
    expect(stored?.status).toBe("PENDING_PAYMENT");
    expect(stored?.updatedAt).toBe(record.updatedAt);
  });

  it("does not create a missing order", async () => {
    expect(await recordPaymentMismatch(u.store, "ord_00000000000000000000000004", mismatch("evt_1"))).toBe(false);
    expect(await u.orderRecord("ord_00000000000000000000000004")).toBeUndefined();
  });

  it(`keeps at most ${MAX_RECORDED_MISMATCHES}`, async () => {
    const { record } = await pendingOrder();
    for (let i = 0; i < MAX_RECORDED_MISMATCHES; i++) expect(await recordPaymentMismatch(u.store, record.id, mismatch(`evt_${i}`))).toBe(true);
    expect(await recordPaymentMismatch(u.store, record.id, mismatch("evt_one_too_many"))).toBe(false);
    const stored = await u.orderRecord(record.id);
    expect(stored?.paymentMismatches).toHaveLength(MAX_RECORDED_MISMATCHES);
    expect(MAX_RECORDED_MISMATCHES).toBe(20);
  });
});

describe("recordLatePaymentRefund", () => {
  it("notes the first refund of a cancelled order only", async () => {
    const { record } = await pendingOrder();
    await cancelOrder(u.store, record.id, "checkout_session_expired", now);
    await recordLatePaymentRefund(u.store, record.id, { paymentIntentId: "pi_test_late", refundId: "re_test_1" }, later);
    await recordLatePaymentRefund(u.store, record.id, { paymentIntentId: "pi_test_later", refundId: "re_test_2" }, later);
    expect((await u.orderRecord(record.id))?.latePaymentRefund).toEqual({ paymentIntentId: "pi_test_late", refundId: "re_test_1", refundedAt: later.toISOString() });
  });

  it("leaves out an unknown refund id", async () => {
    const { record } = await pendingOrder();
    await cancelOrder(u.store, record.id, "checkout_session_expired", now);
    await recordLatePaymentRefund(u.store, record.id, { paymentIntentId: "pi_test_late", refundId: undefined }, later);
    expect((await u.orderRecord(record.id))?.latePaymentRefund).toEqual({ paymentIntentId: "pi_test_late", refundedAt: later.toISOString() });
  });

  it("writes nothing on an order that is not cancelled", async () => {
    const { record } = await pendingOrder();
    await recordLatePaymentRefund(u.store, record.id, { paymentIntentId: "pi_test_late", refundId: "re_test_1" }, later);
    expect(await u.orderRecord(record.id)).toEqual(record);
  });
});

describe("findLapsedPendingOrders", () => {
  it("finds pending orders lapsed strictly before the cutoff on every shard, at most a page per shard, oldest first", async () => {
    // A fresh store: this query reads the whole pending index.
    const own = await createUnitStore();
    try {
      const cutoff = 2_000_000_000;
      const byShard = new Map<string, OrderRecord[]>();
      const put = async (expires: number) => {
        const { record } = pendingOrderRecord(own.store, { lines: [{ product: testProduct(), quantity: 1 }], expiresAt: expires });
        await own.putOrder(record);
        byShard.set(record.pendingShard!, [...(byShard.get(record.pendingShard!) ?? []), record]);
        return record;
      };
      const lapsed: OrderRecord[] = [];
      for (let i = 0; i < 24; i++) lapsed.push(await put(cutoff - 100 - i));
      const atCutoff = await put(cutoff);
      const fresh = await put(cutoff + 60);
      // Left PENDING_PAYMENT: no longer on the index.
      const { record: done } = pendingOrderRecord(own.store, { lines: [{ product: testProduct(), quantity: 1 }], expiresAt: cutoff - 500 });
      const { pendingShard: _none, ...confirmed } = done;
      await own.putOrder({ ...confirmed, status: "CONFIRMED" });

      const all = await findLapsedPendingOrders(own.store, cutoff, 100);
      expect(new Set(all.map((o) => o.id))).toEqual(new Set(lapsed.map((o) => o.id)));
      expect(all.map((o) => o.id)).not.toContain(atCutoff.id);
      expect(all.map((o) => o.id)).not.toContain(fresh.id);

      const limit = 2;
      const paged = await findLapsedPendingOrders(own.store, cutoff, limit);
      const expected = [...byShard.values()].flatMap((orders) =>
        orders
          .filter((o) => o.expiresAt < cutoff)
          .sort((a, b) => a.expiresAt - b.expiresAt)
          .slice(0, limit),
      );
      expect(new Set(paged.map((o) => o.id))).toEqual(new Set(expected.map((o) => o.id)));
      expect(paged.length).toBeLessThan(lapsed.length);
    } finally {
      await own.destroy();
    }
  });
});

/** The real store, recording every command sent through it; `before` runs ahead of each (a rival writer). */
const recording = (before?: (command: unknown) => Promise<void>) => recordingStore(u.store, before);

/** A product whose stock is kept in `levels.length` shards holding `levels` (shard 0 is the product item). */
async function shardedShelf(levels: number[]): Promise<Product> {
  const { product, shards } = stockItemsOf(testProduct({ stock: 0, stockShards: levels.length }));
  await u.putProduct({ ...product, stock: levels[0]! });
  for (const [index, item] of shards.entries()) await u.store.db.send(new PutCommand({ TableName: u.store.tables.products, Item: { ...item, stock: levels[index + 1]! } }));
  return { ...product, stock: levels.reduce((sum, level) => sum + level, 0) };
}

async function shardLevelsOf(product: Product): Promise<number[]> {
  const levels: number[] = [];
  for (let shard = 0; shard < (product.stockShards ?? 1); shard++) {
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.products, Key: stockShardKey(product.id, shard), ConsistentRead: true }));
    levels.push(Number(Item?.stock));
  }
  return levels;
}

const productReads = (sent: unknown[]) =>
  sent.filter(
    (command): command is GetCommand | BatchGetCommand =>
      (command instanceof GetCommand && command.input.TableName === u.store.tables.products) || command instanceof BatchGetCommand,
  );
const transactions = (sent: unknown[]) => sent.filter((command) => command instanceof TransactWriteCommand).length;
const shardCounts = (product: Product) => new Map([[product.id, product.stockShards ?? 1]]);
const orderOf = (product: Product, quantity: number) => pendingOrderRecord(u.store, { lines: [{ product, quantity }], expiresAt, now }).record;

describe("insertOrderReservingStock: planning again after a shard refuses", () => {
  it("reads every shard, strongly consistent, when the shard tried first is empty, and takes from the one that holds enough", async () => {
    const product = await shardedShelf([0, 0, 5]);
    const { store, sent } = recording();
    // random 0.5 makes the first try shard 1 (empty): its refusal returns a shard item, not the product's level.
    const placed = await insertOrderReservingStock(store, orderOf(product, 3), [], { shardCounts: shardCounts(product), random: () => 0.5 });
    expect(placed.stockTakes).toEqual([{ productId: product.id, shard: 2, quantity: 3 }]);
    expect(await shardLevelsOf(product)).toEqual([0, 0, 2]);
    expect(transactions(sent)).toBe(2);
    const reads = productReads(sent);
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      const consistent = read instanceof GetCommand ? read.input.ConsistentRead : Object.values(read.input.RequestItems ?? {}).every((request) => request.ConsistentRead);
      expect(consistent).toBe(true);
    }
  });

  it("plans a refused one-shard line again from the item its refusal returned, reading nothing, and leaves the lines that fit alone", async () => {
    const product = await shelf(2);
    const fits = await shelf(5);
    const { store, sent } = recording();
    const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 3 }, { product: fits, quantity: 1 }], expiresAt, now });
    const error = await refusal(insertOrderReservingStock(store, record, [], { shardCounts: new Map([[product.id, 1], [fits.id, 1]]) }));
    expect(error).toBeInstanceOf(OutOfStock);
    expect((error as OutOfStock).shortfalls).toEqual([expect.objectContaining({ productId: product.id, requested: 3, available: 2 })]);
    expect(productReads(sent)).toEqual([]);
    expect([await u.stockOf(product.id), await u.stockOf(fits.id)]).toEqual([2, 5]);
  });

  it("reads the shards of a product resharded since the caller looked as one-shard, and spreads the line over them", async () => {
    const product = await shardedShelf([0, 2, 2]);
    const placed = await insertOrderReservingStock(u.store, orderOf(product, 3), [], { shardCounts: new Map([[product.id, 1]]), random: () => 0 });
    expect(placed.stockTakes).toEqual([
      { productId: product.id, shard: 1, quantity: 2 },
      { productId: product.id, shard: 2, quantity: 1 },
    ]);
    expect(await shardLevelsOf(product)).toEqual([0, 0, 1]);
  });

  it("says sold out, with none left, for a sharded product that is gone", async () => {
    const gone = testProduct({ stockShards: 3 });
    const error = await refusal(insertOrderReservingStock(u.store, orderOf(gone, 1), [], { shardCounts: shardCounts(gone) }));
    expect(error).toBeInstanceOf(OutOfStock);
    expect((error as OutOfStock).shortfalls).toEqual([expect.objectContaining({ productId: gone.id, requested: 1, available: 0 })]);
  });

  it("gives up with a retryable error, not sold out, after a bounded number of tries while rivals keep taking the planned shard", async () => {
    const product = await shardedShelf([3, 0]);
    let tries = 0;
    // Before each try a rival moves everything on the planned shard to the other one: the sum always covers the line, the plan never holds.
    const { store } = recording(async (command) => {
      if (!(command instanceof TransactWriteCommand)) return;
      if (++tries > 20) throw new Error("runaway retries");
      for (const item of command.input.TransactItems ?? []) {
        if (item.Update?.TableName !== u.store.tables.products) continue;
        const levels = await shardLevelsOf(product);
        const from = String(item.Update.Key!.id) === product.id ? 0 : 1;
        const to = 1 - from;
        await u.store.db.send(new UpdateCommand({ TableName: u.store.tables.products, Key: stockShardKey(product.id, from), UpdateExpression: "SET stock = :zero", ExpressionAttributeValues: { ":zero": 0 } }));
        await u.store.db.send(
          new UpdateCommand({ TableName: u.store.tables.products, Key: stockShardKey(product.id, to), UpdateExpression: "SET stock = stock + :moved", ExpressionAttributeValues: { ":moved": levels[from]! } }),
        );
      }
    });
    const error = await refusal(insertOrderReservingStock(store, orderOf(product, 3), [], { shardCounts: shardCounts(product) }));
    expect(error).toBeInstanceOf(ConcurrencyLimit);
    expect(tries).toBe(8);
    expect((await shardLevelsOf(product)).reduce((sum, level) => sum + level, 0)).toBe(3);
  });

  it("plans the first try from the levels the caller read, with the caller's randomness, and ignores levels of the wrong shape", async () => {
    const product = await shardedShelf([0, 0, 5]);
    const first = recording();
    const placed = await insertOrderReservingStock(first.store, orderOf(product, 3), [], {
      shardCounts: shardCounts(product),
      availableByShard: new Map([[product.id, [0, 0, 5]]]),
      random: () => 0,
    });
    expect(placed.stockTakes).toEqual([{ productId: product.id, shard: 2, quantity: 3 }]);
    expect(transactions(first.sent)).toBe(1);

    // Levels read when the product had another number of shards say nothing of where its stock is now.
    const single = await shelf(5);
    const stale = await insertOrderReservingStock(u.store, orderOf(single, 3), [], { shardCounts: shardCounts(single), availableByShard: new Map([[single.id, [0, 5]]]) });
    expect(stale.stockTakes).toEqual([{ productId: single.id, shard: 0, quantity: 3 }]);

    const even = await shardedShelf([5, 5, 5]);
    const spy = vi.spyOn(Math, "random").mockReturnValue(0);
    try {
      const chosen = await insertOrderReservingStock(u.store, orderOf(even, 1), [], { shardCounts: shardCounts(even), random: () => 0.99 });
      expect(chosen.stockTakes).toEqual([{ productId: even.id, shard: 2, quantity: 1 }]);
    } finally {
      spy.mockRestore();
    }
  });

  it("lists the new order on the console's byStatus index, under its status shard, by creation time", async () => {
    const product = await shelf(1);
    const record = orderOf(product, 1);
    await insertOrderReservingStock(u.store, record);
    const { Items } = await u.store.db.send(
      new QueryCommand({
        TableName: u.store.tables.orders,
        IndexName: u.store.indexes.byStatus.name,
        KeyConditionExpression: "statusShard = :shard AND listedAt = :listedAt",
        ExpressionAttributeValues: { ":shard": shardAs(record, "PENDING_PAYMENT"), ":listedAt": `${record.createdAt}#${record.id}` },
      }),
    );
    expect(Items?.map((item) => item.id)).toEqual([record.id]);
  });
});

describe("getOrderRecord", () => {
  it("reads strongly consistent (a transition decides on it)", async () => {
    const { record } = await pendingOrder();
    const { store, sent } = recording();
    expect(await getOrderRecord(store, record.id)).toEqual(record);
    expect(sent).toHaveLength(1);
    expect((sent[0] as GetCommand).input.ConsistentRead).toBe(true);
  });
});
