// fulfilFromRedirect against DynamoDB Local and a scripted CheckoutGateway: the presented
// session id is only compared with the order's own, the provider is asked about the order's own
// session, its answer is bound exactly as the worker binds it, and the redirect racing itself
// (or the webhook's confirmation) confirms once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUnitStore, fakeCheckoutGateway, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import type { CheckoutSessionState } from "../payments/checkout-gateway";
import { NotFound, RateLimited } from "../shared/domain-error";
import { fulfilFromRedirect, fulfilmentRateLimit } from "./fulfil-from-redirect";
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
  // 10 on the shelf, 2 of them held by the order under test.
  product = testProduct({ stock: 8 });
  await u.putProduct(product);
  provider = fakeCheckoutGateway();
});

async function placedOrder(session: Partial<Omit<CheckoutSessionState, "id">> = {}) {
  const sessionId = `cs_test_${Math.random().toString(36).slice(2)}`;
  provider.sessions[sessionId] = {
    status: "complete",
    paymentStatus: "paid",
    paymentIntentId: "pi_test_1",
    amountTotal: product.priceCents * 2,
    currency: "usd",
    ...session,
  };
  const placed = pendingOrderRecord(u.store, { lines: [{ product, quantity: 2 }], expiresAt, checkoutSessionId: sessionId });
  await u.putOrder(placed.record);
  return { ...placed, sessionId };
}

const failure = (attempt: Promise<unknown>) =>
  attempt.then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: unknown) => error,
  );

describe("fulfilFromRedirect", () => {
  it("confirms a paid order from its own session, records the payment and keeps the reserved stock out", async () => {
    const { record, token, sessionId } = await placedOrder();
    const fulfilled = await fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId });
    expect(fulfilled.outcome).toBe("confirmed");
    expect(fulfilled.order).toMatchObject({ id: record.id, status: "CONFIRMED", updatedAt: now.toISOString() });
    expect(provider.calls).toEqual([{ method: "getSession", sessionId }]);
    expect(await u.orderRecord(record.id)).toMatchObject({ status: "CONFIRMED", paymentIntentId: "pi_test_1" });
    expect(await u.stockOf(product.id)).toBe(8);

    // A reload of the success page: already settled, the provider is not asked again.
    const again = await fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId });
    expect(again).toMatchObject({ outcome: "already_settled", order: { status: "CONFIRMED" } });
    expect(provider.calls).toHaveLength(1);
  });

  it("answers an order the webhook confirmed first without asking the provider", async () => {
    const { record, token, sessionId } = await placedOrder();
    await confirmOrder(u.store, record.id, { sessionId, paymentIntentId: "pi_test_1" }, now);
    const fulfilled = await fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId });
    expect(fulfilled).toMatchObject({ outcome: "already_settled", order: { status: "CONFIRMED" } });
    expect(provider.calls).toEqual([]);
  });

  it("confirms once when redirects race each other", async () => {
    const { record, token, sessionId } = await placedOrder();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId }).then((f) => f.outcome)),
    );
    expect(outcomes.filter((outcome) => outcome === "confirmed")).toHaveLength(1);
    expect(new Set(outcomes.filter((outcome) => outcome !== "confirmed"))).toSatisfy((rest: Set<string>) =>
      [...rest].every((outcome) => outcome === "duplicate" || outcome === "already_settled"),
    );
    expect(await u.stockOf(product.id)).toBe(8);
  });

  it("ignores a session id that is not the order's own: the provider is not asked, nothing changes", async () => {
    const { record, token } = await placedOrder();
    const foreign = await placedOrder();
    const fulfilled = await fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId: foreign.sessionId });
    expect(fulfilled).toMatchObject({ outcome: "not_own_session", order: { status: "PENDING_PAYMENT" } });
    expect(provider.calls).toEqual([]);
    expect((await u.orderRecord(record.id))?.status).toBe("PENDING_PAYMENT");
  });

  it.each([
    ["amount", { amountTotal: 1 }],
    ["currency", { currency: "eur" }],
    ["payment status", { paymentStatus: "no_payment_required" as const }],
    ["payment intent", { paymentIntentId: undefined }],
  ])("records a mismatched %s on the order and leaves it pending", async (_name, session) => {
    const { record, token, sessionId } = await placedOrder(session);
    const fulfilled = await fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId });
    expect(fulfilled.outcome).toBe("payment_mismatch");
    expect(fulfilled.order.status).toBe("PENDING_PAYMENT");
    const stored = await u.orderRecord(record.id);
    expect(stored?.status).toBe("PENDING_PAYMENT");
    expect(stored?.paymentMismatches).toEqual([expect.objectContaining({ source: `provider:${sessionId}`, sessionId })]);
  });

  it("changes nothing while the session is still open", async () => {
    const { record, token, sessionId } = await placedOrder({ status: "open", paymentStatus: "unpaid", paymentIntentId: undefined });
    const fulfilled = await fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId });
    expect(fulfilled).toMatchObject({ outcome: "session_still_payable", order: { status: "PENDING_PAYMENT" } });
    expect(await u.stockOf(product.id)).toBe(8);
  });

  it("cancels an order whose own session expired unpaid, giving its stock back, saying why; on the real clock when none is given (as the handler calls it)", async () => {
    const { record, token, sessionId } = await placedOrder({ status: "expired", paymentStatus: "unpaid", paymentIntentId: undefined });
    const before = Date.now();
    const fulfilled = await fulfilFromRedirect({ store: u.store, checkout: provider.gateway }, { orderId: record.id, accessToken: token, sessionId });
    expect(fulfilled).toMatchObject({ outcome: "cancelled", order: { status: "CANCELLED" } });
    const stored = await u.orderRecord(record.id);
    expect(stored).toMatchObject({ status: "CANCELLED", cancellationReason: "checkout_session_expired" });
    expect(Date.parse(String(stored?.updatedAt))).toBeGreaterThanOrEqual(before);
    expect(await u.stockOf(product.id)).toBe(10);
  });

  it("answers a wrong token, a malformed id or an unknown order with NotFound, without asking the provider", async () => {
    const { record, sessionId } = await placedOrder();
    const other = await placedOrder();
    for (const [orderId, accessToken] of [
      [record.id, other.token],
      [record.id, record.accessTokenHash],
      ["ord_not-an-id", other.token],
      // Keys DynamoDB itself refuses (ValidationException, a 500): never sent to it.
      ["", other.token],
      [`ord_${"x".repeat(3000)}`, other.token],
      ["ord_00000000000000000000000000", other.token],
    ] as const) {
      expect(await failure(fulfilFromRedirect(deps(), { orderId, accessToken, sessionId }))).toBeInstanceOf(NotFound);
    }
    expect(provider.calls).toEqual([]);
    expect((await u.orderRecord(record.id))?.status).toBe("PENDING_PAYMENT");
  });

  it("limits how often one order may make the provider be asked", async () => {
    const { record, token, sessionId } = await placedOrder({ status: "open", paymentStatus: "unpaid", paymentIntentId: undefined });
    for (let i = 0; i < fulfilmentRateLimit.limit; i++) {
      await fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId });
    }
    expect(await failure(fulfilFromRedirect(deps(), { orderId: record.id, accessToken: token, sessionId }))).toBeInstanceOf(RateLimited);
    expect(provider.calls).toHaveLength(fulfilmentRateLimit.limit);
  });
});
