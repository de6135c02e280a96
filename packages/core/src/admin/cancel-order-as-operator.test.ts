// cancelOrderAsOperator against DynamoDB Local and a scripted CheckoutGateway: it cancels through
// the shopper's own path (tested in orders/cancel-order.test.ts), so these tests check what the
// operator's version adds: no token, an audit entry per attempt with its outcome, and a refusal
// that is audited as failed and changes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUnitStore, fakeCheckoutGateway, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { OrderNotCancellable } from "../orders/cancel-order";
import { listAuditEntries, type AuditLog } from "./audit-log";
import { cancelOrderAsOperator } from "./cancel-order-as-operator";

let u: UnitStore;
let audit: AuditLog;
beforeAll(async () => {
  u = await createUnitStore();
  audit = u.audit;
});
afterAll(() => u?.destroy());

const operator = { id: "acct_operator", email: "ops@shop.example" };
const now = new Date("2030-01-01T12:00:00.000Z");
const expiresAt = Math.floor(now.getTime() / 1000) + 35 * 60;
let product: Product;
let provider: ReturnType<typeof fakeCheckoutGateway>;
const deps = () => ({ store: u.store, checkout: provider.gateway, audit, now: () => now });
const entriesFor = async (orderId: string) => (await listAuditEntries(audit, { target: `order:${orderId}`, limit: 10 })).entries;

beforeEach(async () => {
  // 10 on the shelf, 3 of them held by the order under test.
  product = testProduct({ stock: 7 });
  await u.putProduct(product);
  provider = fakeCheckoutGateway();
});

async function placedOrder(session: { status: "open" | "complete"; paymentStatus: "paid" | "unpaid" }) {
  const sessionId = `cs_test_${Math.random().toString(36).slice(2)}`;
  provider.sessions[sessionId] = { ...session, paymentIntentId: session.status === "complete" ? "pi_test_1" : undefined, amountTotal: product.priceCents * 3, currency: "usd" };
  const placed = pendingOrderRecord(u.store, { lines: [{ product, quantity: 3 }], expiresAt, checkoutSessionId: sessionId });
  await u.putOrder(placed.record);
  return { ...placed, sessionId };
}

describe("cancelOrderAsOperator", () => {
  it("cancels a pending order without its token, puts the stock back and audits the change at the clock's time", async () => {
    const { record, sessionId } = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    const view = await cancelOrderAsOperator(deps(), operator, record.id, "Customer phoned to cancel");
    expect(view).toMatchObject({ id: record.id, status: "CANCELLED", cancellationReason: "cancelled_by_operator" });
    expect(provider.calls).toEqual([{ method: "expireSession", sessionId }]);
    expect(await u.stockOf(product.id)).toBe(10);
    expect(await entriesFor(record.id)).toEqual([
      expect.objectContaining({
        action: "order.cancel",
        target: `order:${record.id}`,
        operatorId: operator.id,
        operatorEmail: operator.email,
        reason: "Customer phoned to cancel",
        before: { status: "PENDING_PAYMENT" },
        after: { status: "CANCELLED", cancellationReason: "cancelled_by_operator" },
        result: "succeeded",
        at: now.toISOString(),
      }),
    ]);
  });

  it("answers a repeat with the cancelled order, releases nothing more and audits it as no change", async () => {
    const { record } = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    await cancelOrderAsOperator(deps(), operator, record.id, "first");
    const again = await cancelOrderAsOperator(deps(), operator, record.id, "second");
    expect(again).toMatchObject({ status: "CANCELLED", cancellationReason: "cancelled_by_operator" });
    expect(await u.stockOf(product.id)).toBe(10);
    const entries = await entriesFor(record.id);
    expect(entries.map((entry) => [entry.reason, entry.result, entry.before])).toEqual(
      expect.arrayContaining([
        ["first", "succeeded", { status: "PENDING_PAYMENT" }],
        ["second", "no_change", { status: "CANCELLED" }],
      ]),
    );
    expect(entries).toHaveLength(2);
  });

  it("refuses an order paid before the cancel got to the provider, audits the refusal and keeps the sale", async () => {
    const { record } = await placedOrder({ status: "complete", paymentStatus: "paid" });
    const refusal = await cancelOrderAsOperator(deps(), operator, record.id, "too late").catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OrderNotCancellable);
    expect(await u.orderRecord(record.id)).toMatchObject({ status: "CONFIRMED" });
    expect(await u.stockOf(product.id)).toBe(7);
    const [entry, ...more] = await entriesFor(record.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ action: "order.cancel", result: "failed", before: { status: "PENDING_PAYMENT" }, error: `ORDER_NOT_CANCELLABLE: ${(refusal as Error).message}` });
    expect(entry).not.toHaveProperty("after");
  });

  it("is NotFound, with nothing asked of the provider or audited, for an unknown or malformed id", async () => {
    for (const id of ["ord_00000000000000000000000000", "not an order id", ""]) {
      await expect(cancelOrderAsOperator(deps(), operator, id, "nope")).rejects.toMatchObject({ code: "NOT_FOUND", message: "Order was not found." });
      expect(await entriesFor(id)).toEqual([]);
    }
    expect(provider.calls).toEqual([]);
  });

  it("does not audit a provider outage as a refusal: the error goes up for the caller to retry", async () => {
    const { record, sessionId } = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    provider.failOn(sessionId);
    await expect(cancelOrderAsOperator(deps(), operator, record.id, "outage")).rejects.toThrow(/provider unavailable/);
    expect(await entriesFor(record.id)).toEqual([]);
    expect(await u.orderRecord(record.id)).toMatchObject({ status: "PENDING_PAYMENT" });
    expect(await u.stockOf(product.id)).toBe(7);
  });

  it("stamps the audit entry with the real clock when none is given (as the handler calls it)", async () => {
    const { record } = await placedOrder({ status: "open", paymentStatus: "unpaid" });
    const before = Date.now();
    await cancelOrderAsOperator({ store: u.store, checkout: provider.gateway, audit }, operator, record.id, "no clock");
    const [entry] = await entriesFor(record.id);
    expect(Date.parse(entry!.at)).toBeGreaterThanOrEqual(before);
  });
});
