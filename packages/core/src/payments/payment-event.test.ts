import { describe, expect, it } from "vitest";
import { orderIdNamedBy, StripeEventEnvelope, toPaymentEvent } from "./payment-event";

function event(type: string, session: Record<string, unknown>) {
  return StripeEventEnvelope.parse({
    id: "evt_1",
    object: "event",
    type,
    created: 1,
    data: {
      object: {
        object: "checkout.session",
        id: "cs_test_1",
        client_reference_id: "ord_a",
        metadata: { orderId: "ord_a" },
        payment_status: "paid",
        payment_intent: "pi_1",
        amount_total: 3400,
        currency: "usd",
        ...session,
      },
    },
  });
}

describe("toPaymentEvent", () => {
  it("claims a payment for a completed, paid session with every fact the binding checks", () => {
    expect(toPaymentEvent(event("checkout.session.completed", {}))).toEqual({
      kind: "payment_succeeded",
      session: { orderId: "ord_a", sessionId: "cs_test_1", paymentStatus: "paid", amountTotal: 3400, currency: "usd", paymentIntentId: "pi_1" },
    });
  });

  it("keeps what the event says as it says it: no_payment_required and odd amounts are for the binding to refuse", () => {
    const mapped = toPaymentEvent(event("checkout.session.completed", { payment_status: "no_payment_required", amount_total: 0, currency: "EUR", payment_intent: { id: "pi_9" } }));
    expect(mapped).toEqual({
      kind: "payment_succeeded",
      session: { orderId: "ord_a", sessionId: "cs_test_1", paymentStatus: "no_payment_required", amountTotal: 0, currency: "eur", paymentIntentId: "pi_9" },
    });
    const bare = toPaymentEvent(event("checkout.session.completed", { amount_total: null, currency: null, payment_intent: null }));
    expect(bare).toMatchObject({ session: { amountTotal: undefined, currency: undefined, paymentIntentId: undefined } });
  });

  it("keeps a completed but unpaid (delayed payment) session pending", () => {
    expect(toPaymentEvent(event("checkout.session.completed", { payment_status: "unpaid", payment_intent: null })).kind).toBe(
      "payment_pending",
    );
  });

  it("maps async success, async failure and expiry", () => {
    expect(toPaymentEvent(event("checkout.session.async_payment_succeeded", {})).kind).toBe("payment_succeeded");
    expect(toPaymentEvent(event("checkout.session.async_payment_failed", { payment_status: "unpaid" })).kind).toBe("payment_failed");
    expect(toPaymentEvent(event("checkout.session.expired", { payment_status: "unpaid" })).kind).toBe("session_expired");
  });

  it("falls back to metadata when client_reference_id is absent", () => {
    const mapped = toPaymentEvent(event("checkout.session.expired", { client_reference_id: null, payment_status: "unpaid" }));
    expect(mapped).toMatchObject({ session: { orderId: "ord_a" } });
    const emptyReference = toPaymentEvent(event("checkout.session.expired", { client_reference_id: "", payment_status: "unpaid" }));
    expect(emptyReference).toMatchObject({ session: { orderId: "ord_a" } });
  });

  it("ignores unhandled types and sessions that are not ours, saying why", () => {
    expect(toPaymentEvent(event("customer.created", {}))).toEqual({ kind: "ignored", why: "unhandled event type customer.created" });
    expect(toPaymentEvent(event("checkout.session.completed", { client_reference_id: null, metadata: {} }))).toEqual({ kind: "ignored", why: "session cs_test_1 carries no order id" });
    expect(toPaymentEvent(event("checkout.session.completed", { client_reference_id: null, metadata: null }))).toEqual({ kind: "ignored", why: "session cs_test_1 carries no order id" });
  });

  it("rejects a handled event whose session is malformed (so it fails loudly into the DLQ)", () => {
    expect(() => toPaymentEvent(event("checkout.session.completed", { payment_status: "maybe" }))).toThrow();
  });
});

describe("orderIdNamedBy", () => {
  it("names the order a session event claims, for logs only", () => {
    expect(orderIdNamedBy(event("checkout.session.completed", {}))).toBe("ord_a");
    expect(orderIdNamedBy(event("checkout.session.completed", { client_reference_id: null }))).toBe("ord_a");
    expect(orderIdNamedBy(event("checkout.session.completed", { client_reference_id: null, metadata: null }))).toBeUndefined();
    expect(orderIdNamedBy(event("customer.created", {}))).toBeUndefined();
    expect(orderIdNamedBy(event("checkout.session.completed", { payment_status: "maybe" }))).toBeUndefined();
    const refund = StripeEventEnvelope.parse({
      id: "evt_r",
      object: "event",
      type: "charge.refunded",
      created: 1,
      data: { object: { object: "charge", id: "ch_1", client_reference_id: "ord_a", metadata: { orderId: "ord_a" } } },
    });
    expect(orderIdNamedBy(refund)).toBeUndefined();
  });
});

describe("toPaymentEvent for refunds", () => {
  const refunded = (charge: Record<string, unknown>) =>
    StripeEventEnvelope.parse({
      id: "evt_r",
      object: "event",
      type: "charge.refunded",
      created: 1,
      data: { object: { object: "charge", id: "ch_1", amount: 5000, amount_refunded: 5000, refunded: true, payment_intent: "pi_1", ...charge } },
    });

  it("maps a full refund to its payment", () => {
    expect(toPaymentEvent(refunded({}))).toEqual({ kind: "refunded", paymentIntentId: "pi_1", chargeId: "ch_1" });
    expect(toPaymentEvent(refunded({ payment_intent: { id: "pi_2" } }))).toMatchObject({ paymentIntentId: "pi_2" });
  });

  it("maps a partial refund to its payment with the amount refunded so far", () => {
    expect(toPaymentEvent(refunded({ amount_refunded: 1000, refunded: false }))).toEqual({ kind: "partially_refunded", paymentIntentId: "pi_1", chargeId: "ch_1", amountRefundedCents: 1000 });
  });

  it("ignores a charge without a payment, saying why", () => {
    expect(toPaymentEvent(refunded({ payment_intent: null }))).toEqual({ kind: "ignored", why: "charge ch_1 has no payment intent" });
  });

  it("rejects a malformed charge (so it fails loudly into the DLQ)", () => {
    expect(() => toPaymentEvent(refunded({ refunded: "yes" }))).toThrow();
    // A negative amount would break the order record it is written to.
    expect(() => toPaymentEvent(refunded({ amount_refunded: -1, refunded: false }))).toThrow();
  });
});
