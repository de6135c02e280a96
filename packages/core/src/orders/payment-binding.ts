// Binds what a payment claims to the order it names. A Stripe signature proves Stripe sent an
// event, not that it concerns this order: anyone able to create or pay a Checkout Session on the
// same account (a Payment Link's `?client_reference_id=`, another integration, a leaked
// restricted key) can name any order. So a payment acts only on the order whose own session it
// is, for exactly the amount and currency the order recorded, and only when Stripe says paid.
import type { OrderRecord } from "./order";

export type BindingField = "session" | "amount" | "currency" | "payment_status" | "payment_intent";

export interface BindingMismatch {
  field: BindingField;
  expected: string | number | null;
  received: string | number | null;
}

/** What a session event or read-back says; see payments/payment-event.ts SessionClaim. */
export interface SessionFacts {
  sessionId: string;
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  amountTotal: number | undefined;
  currency: string | undefined;
  paymentIntentId: string | undefined;
}

/**
 * Every way `session` fails to belong to `order`; empty when it does. `session` binds only the
 * session id (enough for events whose effect is decided by reading the order's own session back
 * from the provider); `payment` also requires the exact amount and currency, a paid status and a
 * payment to refund later (enough to confirm).
 */
export function bindingMismatches(order: OrderRecord, session: SessionFacts, scope: "session" | "payment"): BindingMismatch[] {
  const mismatches: BindingMismatch[] = [];
  const differs = (field: BindingField, expected: string | number | null, received: string | number | null) => {
    if (expected !== received) mismatches.push({ field, expected, received });
  };
  differs("session", order.checkoutSessionId ?? null, session.sessionId);
  if (scope === "session") return mismatches;
  differs("amount", order.totalCents, session.amountTotal ?? null);
  differs("currency", order.currency.toLowerCase(), session.currency?.toLowerCase() ?? null);
  differs("payment_status", "paid", session.paymentStatus);
  if (!session.paymentIntentId) mismatches.push({ field: "payment_intent", expected: "a payment", received: null });
  return mismatches;
}
