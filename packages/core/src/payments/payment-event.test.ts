import { describe, expect, it } from "vitest";
import { StripeEventEnvelope, toPaymentEvent } from "./payment-event";

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
        ...session,
      },
    },
  });
}

describe("toPaymentEvent", () => {
  it("confirms a completed, paid session", () => {
    expect(toPaymentEvent(event("checkout.session.completed", {}))).toEqual({
      kind: "payment_succeeded",
      orderId: "ord_a",
      sessionId: "cs_test_1",
      paymentIntentId: "pi_1",
    });
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
    expect(mapped).toMatchObject({ orderId: "ord_a" });
  });

  it("ignores unhandled types and sessions that are not ours", () => {
    expect(toPaymentEvent(event("customer.created", {})).kind).toBe("ignored");
    expect(toPaymentEvent(event("checkout.session.completed", { client_reference_id: null, metadata: {} })).kind).toBe("ignored");
  });

  it("rejects a handled event whose session is malformed (so it fails loudly into the DLQ)", () => {
    expect(() => toPaymentEvent(event("checkout.session.completed", { payment_status: "maybe" }))).toThrow();
  });
});
