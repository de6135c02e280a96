import { describe, expect, it } from "vitest";
import type { OrderRecord } from "./order";
import { bindingMismatches, type SessionFacts } from "./payment-binding";

const order: OrderRecord = {
  id: "ord_0123456789abcdefghijklmnop",
  status: "PENDING_PAYMENT",
  email: "shopper@example.com",
  items: [{ productId: "lantern", name: "Lantern", unitPriceCents: 1700, quantity: 2 }],
  totalCents: 3400,
  currency: "usd",
  accessTokenHash: "hash",
  checkoutSessionId: "cs_test_own",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  expiresAt: 1,
};
const genuine: SessionFacts = { sessionId: "cs_test_own", paymentStatus: "paid", amountTotal: 3400, currency: "usd", paymentIntentId: "pi_1" };

describe("bindingMismatches", () => {
  it("binds the order's own session, paid in full in its currency", () => {
    expect(bindingMismatches(order, genuine, "payment")).toEqual([]);
    expect(bindingMismatches(order, { ...genuine, currency: "USD" }, "payment")).toEqual([]);
  });

  it.each([
    ["another session", { sessionId: "cs_test_foreign" }, "session"],
    ["one cent", { amountTotal: 1 }, "amount"],
    ["more than the total", { amountTotal: 3401 }, "amount"],
    ["no amount", { amountTotal: undefined }, "amount"],
    ["another currency", { currency: "eur" }, "currency"],
    ["no currency", { currency: undefined }, "currency"],
    ["no_payment_required", { paymentStatus: "no_payment_required" as const }, "payment_status"],
    ["unpaid", { paymentStatus: "unpaid" as const }, "payment_status"],
    ["no payment to refund later", { paymentIntentId: undefined }, "payment_intent"],
  ])("refuses a payment with %s", (_name, change, field) => {
    const mismatches = bindingMismatches(order, { ...genuine, ...change }, "payment");
    expect(mismatches.map((mismatch) => mismatch.field)).toEqual([field]);
  });

  it("reports every field that differs, with what was expected and received", () => {
    expect(bindingMismatches(order, { sessionId: "cs_test_x", paymentStatus: "no_payment_required", amountTotal: 0, currency: "eur", paymentIntentId: "pi_2" }, "payment")).toEqual([
      { field: "session", expected: "cs_test_own", received: "cs_test_x" },
      { field: "amount", expected: 3400, received: 0 },
      { field: "currency", expected: "usd", received: "eur" },
      { field: "payment_status", expected: "paid", received: "no_payment_required" },
    ]);
  });

  it("names a missing payment as such", () => {
    expect(bindingMismatches(order, { ...genuine, paymentIntentId: undefined }, "payment")).toEqual([{ field: "payment_intent", expected: "a payment", received: null }]);
  });

  it("binds only the session id for events whose effect is read back from the provider", () => {
    expect(bindingMismatches(order, { ...genuine, paymentStatus: "unpaid", amountTotal: undefined }, "session")).toEqual([]);
    expect(bindingMismatches(order, { ...genuine, sessionId: "cs_test_foreign" }, "session")).toEqual([
      { field: "session", expected: "cs_test_own", received: "cs_test_foreign" },
    ]);
  });

  it("binds nothing to an order that never got a session", () => {
    const { checkoutSessionId: _none, ...withoutSession } = order;
    expect(bindingMismatches(withoutSession, genuine, "session")).toEqual([{ field: "session", expected: null, received: "cs_test_own" }]);
  });
});
