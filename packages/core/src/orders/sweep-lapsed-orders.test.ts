// sweepLapsedOrders against DynamoDB Local (the pending index and its expiry condition are real)
// and a scripted CheckoutGateway. The clock is the caller's: what is lapsed is decided by
// `now - grace` in epoch seconds, so a shopper with minutes left, or one whose expiry webhook may
// still be on its way, keeps the order; only orders past the grace are settled.
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUnitStore, fakeCheckoutGateway, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import type { Store } from "../shared/store";
import { cancelOrder, confirmOrder } from "./order-store";
import { sweepLapsedOrders } from "./sweep-lapsed-orders";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const GRACE = 300;
let clock = Date.UTC(2100, 0, 1);
let now: Date;
let nowSeconds: number;
let product: Product;
let provider: ReturnType<typeof fakeCheckoutGateway>;

beforeEach(async () => {
  // Each test's clock a year before the previous one's: orders an earlier test left pending lapse
  // after it, so they are never in the way (the tables are shared by the file).
  clock -= 365 * 86_400_000;
  now = new Date(clock);
  nowSeconds = Math.floor(now.getTime() / 1000);
  product = testProduct({ stock: 0 });
  await u.putProduct(product);
  provider = fakeCheckoutGateway();
});

const sweep = (options: { graceSeconds?: number; limitPerShard?: number } = {}) =>
  sweepLapsedOrders({ store: u.store, checkout: provider.gateway, now: () => now }, { graceSeconds: GRACE, limitPerShard: 100, ...options });

/** A pending order holding 2 units whose reservation lapses `secondsFromNow` from the test's clock. */
async function pendingOrder(secondsFromNow: number, session: { status: "open" | "complete"; paymentStatus: "paid" | "unpaid" } | null = { status: "open", paymentStatus: "unpaid" }) {
  const sessionId = session ? `cs_test_${Math.random().toString(36).slice(2)}` : undefined;
  if (sessionId && session) {
    provider.sessions[sessionId] = { ...session, paymentIntentId: session.status === "complete" ? "pi_test_sweep" : undefined, amountTotal: product.priceCents * 2, currency: "usd" };
  }
  const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 2 }], expiresAt: nowSeconds + secondsFromNow, ...(sessionId ? { checkoutSessionId: sessionId } : {}) });
  await u.putOrder(record);
  return { id: record.id, sessionId };
}

const statusOf = async (orderId: string) => (await u.orderRecord(orderId))?.status;

describe("sweepLapsedOrders", () => {
  it("leaves fresh orders, orders with minutes left and orders inside the grace alone; settles those past it", async () => {
    const fresh = await pendingOrder(35 * 60);
    const minutesLeft = await pendingOrder(120);
    const justLapsed = await pendingOrder(-60);
    const atTheCutoff = await pendingOrder(-GRACE);
    const pastGrace = await pendingOrder(-GRACE - 1);
    const longGone = await pendingOrder(-6 * 3600);

    const result = await sweep();

    expect(result).toEqual({ examined: 2, outcomes: { cancelled: 2 }, failures: [] });
    for (const order of [fresh, minutesLeft, justLapsed, atTheCutoff]) expect(await statusOf(order.id)).toBe("PENDING_PAYMENT");
    for (const order of [pastGrace, longGone]) expect(await statusOf(order.id)).toBe("CANCELLED");
    expect((await u.orderRecord(pastGrace.id))?.cancellationReason).toBe("reservation_lapsed");
    // Only the lapsed orders' sessions were expired; the others can still be paid.
    expect(provider.calls.map((call) => call.sessionId).sort()).toEqual([pastGrace.sessionId, longGone.sessionId].sort());
    for (const order of [fresh, minutesLeft, justLapsed, atTheCutoff]) expect(provider.sessions[order.sessionId!]?.status).toBe("open");
    expect(await u.stockOf(product.id)).toBe(4);
  });

  it("with no grace, settles whatever lapsed before now and nothing that has not", async () => {
    const lapsed = await pendingOrder(-1);
    const notYet = await pendingOrder(1);
    expect(await sweep({ graceSeconds: 0 })).toEqual({ examined: 1, outcomes: { cancelled: 1 }, failures: [] });
    expect(await statusOf(lapsed.id)).toBe("CANCELLED");
    expect(await statusOf(notYet.id)).toBe("PENDING_PAYMENT");
  });

  it("confirms a lapsed order whose session was paid (its webhook lost), keeping the stock sold", async () => {
    const paid = await pendingOrder(-3600, { status: "complete", paymentStatus: "paid" });
    expect(await sweep()).toEqual({ examined: 1, outcomes: { confirmed: 1 }, failures: [] });
    expect(await u.orderRecord(paid.id)).toMatchObject({ status: "CONFIRMED", paymentIntentId: "pi_test_sweep" });
    expect(await u.stockOf(product.id)).toBe(0);
  });

  it("leaves an order pending while its bank payment is being processed", async () => {
    const processing = await pendingOrder(-3600, { status: "complete", paymentStatus: "unpaid" });
    provider.payments.pi_test_sweep = { status: "pending", orderId: processing.id, amount: product.priceCents * 2, currency: "usd" };
    expect(await sweep()).toEqual({ examined: 1, outcomes: { left_pending: 1 }, failures: [] });
    expect(await statusOf(processing.id)).toBe("PENDING_PAYMENT");
    expect(await u.stockOf(product.id)).toBe(0);
  });

  it("cancels a lapsed order whose bank payment failed for good (its webhook lost)", async () => {
    const failed = await pendingOrder(-3600, { status: "complete", paymentStatus: "unpaid" });
    provider.payments.pi_test_sweep = { status: "failed", orderId: failed.id, amount: product.priceCents * 2, currency: "usd" };
    expect(await sweep()).toEqual({ examined: 1, outcomes: { cancelled: 1 }, failures: [] });
    expect(await u.orderRecord(failed.id)).toMatchObject({ status: "CANCELLED", cancellationReason: "async_payment_failed" });
    expect(await u.stockOf(product.id)).toBe(2);
  });

  it("cancels a lapsed order that never got a session without asking the provider", async () => {
    const orphan = await pendingOrder(-3600, null);
    expect(await sweep()).toEqual({ examined: 1, outcomes: { cancelled: 1 }, failures: [] });
    expect(await u.orderRecord(orphan.id)).toMatchObject({ status: "CANCELLED", cancellationReason: "reservation_lapsed" });
    expect(provider.calls).toEqual([]);
    expect(await u.stockOf(product.id)).toBe(2);
  });

  it("releases the stock once when swept again, and never examines settled orders", async () => {
    const lapsed = await pendingOrder(-3600);
    const paid = await pendingOrder(-3600);
    await confirmOrder(u.store, paid.id, { sessionId: paid.sessionId!, paymentIntentId: "pi_test_paid" }, now);
    expect(await sweep()).toEqual({ examined: 1, outcomes: { cancelled: 1 }, failures: [] });
    expect(await sweep()).toEqual({ examined: 0, outcomes: {}, failures: [] });
    expect(await statusOf(lapsed.id)).toBe("CANCELLED");
    expect(await statusOf(paid.id)).toBe("CONFIRMED");
    expect(await u.stockOf(product.id)).toBe(2);
  });

  it("counts orders someone else settled between the sweep's query and its cancel as duplicates, releasing nothing more", async () => {
    const orphan = await pendingOrder(-3600, null);
    const withSession = await pendingOrder(-3600);
    // A store whose query answer is already stale: a webhook (here, a direct cancel) settles both
    // orders the moment the sweep has read them.
    const racing: Store = {
      ...u.store,
      db: {
        send: async (command: unknown) => {
          const answer = await u.store.db.send(command as never);
          if (command instanceof QueryCommand) {
            for (const id of [orphan.id, withSession.id]) await cancelOrder(u.store, id, "checkout_session_expired", now);
          }
          return answer;
        },
      } as unknown as Store["db"],
    };
    provider.sessions[withSession.sessionId!]!.status = "expired";
    const result = await sweepLapsedOrders({ store: racing, checkout: provider.gateway, now: () => now }, { graceSeconds: GRACE, limitPerShard: 100 });
    expect(result).toEqual({ examined: 2, outcomes: { duplicate: 2 }, failures: [] });
    for (const order of [orphan, withSession]) expect(await u.orderRecord(order.id)).toMatchObject({ status: "CANCELLED", cancellationReason: "checkout_session_expired" });
    expect(await u.stockOf(product.id)).toBe(4);
  });

  it("reports an order the provider could not settle and still settles the rest", async () => {
    const unreachable = await pendingOrder(-3600);
    const settled = await pendingOrder(-3600);
    provider.failOn(unreachable.sessionId!);
    const result = await sweep();
    expect(result.examined).toBe(2);
    expect(result.outcomes).toEqual({ cancelled: 1 });
    expect(result.failures).toEqual([{ orderId: unreachable.id, error: `provider unavailable for ${unreachable.sessionId}` }]);
    expect(await statusOf(unreachable.id)).toBe("PENDING_PAYMENT");
    expect(await statusOf(settled.id)).toBe("CANCELLED");
    expect(await u.stockOf(product.id)).toBe(2);
  });

  it("examines at most limitPerShard orders of each shard per run", async () => {
    for (let i = 0; i < 20; i++) await pendingOrder(-3600 - i);
    const first = await sweep({ limitPerShard: 1 });
    // 20 orders over 8 shards: at most one each this run, the rest next time.
    expect(first.examined).toBeGreaterThan(0);
    expect(first.examined).toBeLessThanOrEqual(u.store.indexes.pendingByExpiry.shardCount);
    expect(first.outcomes.cancelled).toBe(first.examined);
    const rest = await sweep();
    expect(first.examined + rest.examined).toBe(20);
  });

  it("runs on the real clock when none is given (as the scheduled job calls it)", async () => {
    const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 2 }], expiresAt: Math.floor(Date.now() / 1000) - GRACE - 60 });
    await u.putOrder(record);
    const result = await sweepLapsedOrders({ store: u.store, checkout: provider.gateway }, { graceSeconds: GRACE, limitPerShard: 100 });
    expect(result).toEqual({ examined: 1, outcomes: { cancelled: 1 }, failures: [] });
    expect(await statusOf(record.id)).toBe("CANCELLED");
  });
});
