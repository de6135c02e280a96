// cancelOrderAsShopper against DynamoDB Local and a scripted CheckoutGateway (what the payment
// provider says is the only input that matters, and a fake lets each answer be staged exactly):
// the session is expired before the stock goes back, the token is checked before anything is
// touched, a payment that got through wins, and stock is released once however often it is asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUnitStore, fakeCheckoutGateway, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { NotFound } from "../shared/domain-error";
import { OrderNotCancellable, cancelOrderAsShopper } from "./cancel-order";
import { confirmOrder } from "./order-store";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const now = new Date("2030-01-01T12:00:00.000Z");
const expiresAt = Math.floor(now.getTime() / 1000) + 35 * 60;
let product: Product;
let provider: ReturnType<typeof fakeCheckoutGateway>;
const deps = () => ({ store: u.store, checkout: provider.gateway, now: () => now });

beforeEach(async () => {
  // 10 on the shelf, 3 of them held by the order under test.
  product = testProduct({ stock: 7 });
  await u.putProduct(product);
  provider = fakeCheckoutGateway();
});

async function placedOrder(session?: { status: "open" | "complete" | "expired"; paymentStatus: "paid" | "unpaid" }) {
  const sessionId = session ? `cs_test_${Math.random().toString(36).slice(2)}` : undefined;
  if (sessionId && session) {
    provider.sessions[sessionId] = { ...session, paymentIntentId: session.status === "complete" ? "pi_test_1" : undefined, amountTotal: product.priceCents * 3, currency: "usd" };
  }
  const placed = pendingOrderRecord(u.store, { lines: [{ product, quantity: 3 }], expiresAt, ...(sessionId ? { checkoutSessionId: sessionId } : {}) });
  await u.putOrder(placed.record);
  return { ...placed, sessionId };
}

const failure = (attempt: Promise<unknown>) =>
  attempt.then(
    () => {
      throw new Error("expected the cancel to be refused");
    },
    (error: unknown) => error,
  );

describe("cancelOrderAsShopper", () => {
  it("stamps the cancellation with the real clock when none is given (as the handler calls it)", async () => {
    const { record, token } = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    const before = Date.now();
    const view = await cancelOrderAsShopper({ store: u.store, checkout: provider.gateway }, record.id, token);
    expect(view).toMatchObject({ status: "CANCELLED", cancellationReason: "cancelled_by_shopper" });
    expect(Date.parse(view.updatedAt)).toBeGreaterThanOrEqual(before);
  });

  it("expires the open session first, then cancels and puts the stock back", async () => {
    const { record, token, sessionId } = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    const view = await cancelOrderAsShopper(deps(), record.id, token);
    expect(view).toMatchObject({ id: record.id, status: "CANCELLED", cancellationReason: "cancelled_by_shopper", checkoutUrl: null, updatedAt: now.toISOString() });
    expect(provider.calls).toEqual([{ method: "expireSession", sessionId }]);
    expect(provider.sessions[sessionId!]?.status).toBe("expired");
    expect(await u.stockOf(product.id)).toBe(10);
    // Off the sweeper's index: a cancelled order is never examined again.
    expect((await u.orderRecord(record.id))?.pendingShard).toBeUndefined();
  });

  it("releases the stock once when asked again, and answers the repeat with the cancelled order", async () => {
    const { record, token } = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    await cancelOrderAsShopper(deps(), record.id, token);
    const again = await cancelOrderAsShopper(deps(), record.id, token);
    expect(again.status).toBe("CANCELLED");
    expect(await u.stockOf(product.id)).toBe(10);
    // The second call did not go to the provider: the order was no longer pending.
    expect(provider.calls).toHaveLength(1);
  });

  it("cancels an order whose session was never created without asking the provider", async () => {
    const { record, token } = await placedOrder();
    expect((await cancelOrderAsShopper(deps(), record.id, token)).status).toBe("CANCELLED");
    expect(provider.calls).toEqual([]);
    expect(await u.stockOf(product.id)).toBe(10);
  });

  it("with another order's token, leaves a pending order pending, its session open and its stock held", async () => {
    const { record, sessionId } = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    const other = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    const attempts: [string, string][] = [
      [record.id, other.token],
      [record.id, ""],
      [record.id, record.accessTokenHash],
      // Not even looked up: no key DynamoDB would refuse (an empty one is a ValidationException, a 500).
      ["ord_not-an-id", other.token],
      ["", other.token],
    ];
    for (const [orderId, token] of attempts) {
      const refused = await failure(cancelOrderAsShopper(deps(), orderId, token));
      expect(refused).toBeInstanceOf(NotFound);
      expect(refused).toMatchObject({ code: "NOT_FOUND", message: "Order was not found." });
    }
    expect(provider.calls).toEqual([]);
    expect(provider.sessions[sessionId!]?.status).toBe("open");
    expect((await u.orderRecord(record.id))?.status).toBe("PENDING_PAYMENT");
    expect(await u.stockOf(product.id)).toBe(7);
  });

  it("confirms instead when the session turns out to be paid, and refuses the cancel", async () => {
    const { record, token } = await placedOrder({ status: "complete", paymentStatus: "paid" });
    const refused = await failure(cancelOrderAsShopper(deps(), record.id, token));
    expect(refused).toBeInstanceOf(OrderNotCancellable);
    expect(refused).toMatchObject({ code: "ORDER_NOT_CANCELLABLE", details: { status: "CONFIRMED" } });
    expect(await u.orderRecord(record.id)).toMatchObject({ status: "CONFIRMED", paymentIntentId: "pi_test_1" });
    expect(await u.stockOf(product.id)).toBe(7);
  });

  it("refuses while a bank payment is being processed and keeps the order pending with its stock", async () => {
    const { record, token } = await placedOrder({ status: "complete", paymentStatus: "unpaid" });
    provider.payments.pi_test_1 = { status: "pending", orderId: record.id, amount: record.totalCents, currency: "usd" };
    const refused = await failure(cancelOrderAsShopper(deps(), record.id, token));
    expect(refused).toMatchObject({ code: "ORDER_NOT_CANCELLABLE", details: { status: "PENDING_PAYMENT" } });
    expect((refused as Error).message).toMatch(/bank payment/);
    expect((await u.orderRecord(record.id))?.status).toBe("PENDING_PAYMENT");
    expect(await u.stockOf(product.id)).toBe(7);
  });

  it("cancels, with the reason, once the bank payment has failed for good", async () => {
    const { record, token } = await placedOrder({ status: "complete", paymentStatus: "unpaid" });
    provider.payments.pi_test_1 = { status: "failed", orderId: record.id, amount: record.totalCents, currency: "usd" };
    const view = await cancelOrderAsShopper(deps(), record.id, token);
    expect(view).toMatchObject({ status: "CANCELLED", cancellationReason: "async_payment_failed" });
    expect(await u.stockOf(product.id)).toBe(10);
  });

  it("refuses a paid order without touching the provider, and says why", async () => {
    const { record, token, sessionId } = await placedOrder({ status: "complete", paymentStatus: "paid" });
    await confirmOrder(u.store, record.id, { sessionId: sessionId!, paymentIntentId: "pi_test_1" }, now);
    const refused = await failure(cancelOrderAsShopper(deps(), record.id, token));
    expect(refused).toMatchObject({ code: "ORDER_NOT_CANCELLABLE", details: { status: "CONFIRMED" } });
    expect((refused as Error).message).toMatch(/has been paid/);
    expect(provider.calls).toEqual([]);
    expect(await u.stockOf(product.id)).toBe(7);
  });

  it("refuses a refunded order", async () => {
    const { record, token } = await placedOrder();
    await u.putOrder({ ...record, status: "REFUNDED", pendingShard: undefined } as never);
    const refused = await failure(cancelOrderAsShopper(deps(), record.id, token));
    expect(refused).toMatchObject({ code: "ORDER_NOT_CANCELLABLE", details: { status: "REFUNDED" } });
    expect((refused as Error).message).toMatch(/refunded/);
    expect(await u.stockOf(product.id)).toBe(7);
  });
});
