// Settles a pending order from the payment provider's truth about the order's OWN Checkout
// Session, never from what an event claims. Shared by the worker (expiry and async-failure
// events), the shopper's cancel and the sweeper, so there is one rule for when stock goes back:
// only once that session can no longer take money (expired, or its payment failed for good).
// A payment that lands on an order already cancelled is refunded automatically.
import type { Store } from "../shared/store";
import type { CheckoutGateway, CheckoutSessionState } from "../payments/checkout-gateway";
import type { CancellationReason, OrderRecord } from "./order";
import { cancelOrder, confirmOrder, recordLatePaymentRefund, recordPaymentMismatch } from "./order-store";
import { bindingMismatches, type BindingMismatch, type SessionFacts } from "./payment-binding";

export type SettlementOutcome =
  | "confirmed"
  | "cancelled"
  | "awaiting_async_payment"
  | "duplicate"
  /** A cancellation arrived after the order was paid: the payment wins. */
  | "late_cancellation_ignored"
  /** Money arrived for an order already cancelled and restocked: it was refunded automatically. */
  | "paid_after_cancellation_refunded"
  /** The order's session can still be paid (open, or a payment still in flight): nothing released. */
  | "session_still_payable"
  /** What the provider or an event said does not belong to the order: recorded, nothing changed. */
  | "payment_mismatch"
  | "unknown_order";

export interface SettlementDeps {
  store: Store;
  checkout: CheckoutGateway;
}

export interface Settlement {
  outcome: SettlementOutcome;
  mismatches?: BindingMismatch[];
}

/**
 * `session` must be the provider's answer for `order.checkoutSessionId` (getSession or
 * expireSession). `reasonIfExpired` names why, should the session turn out expired.
 */
export async function settleFromSession(
  deps: SettlementDeps,
  order: OrderRecord,
  session: CheckoutSessionState,
  reasonIfExpired: CancellationReason,
  now: Date,
): Promise<Settlement> {
  if (session.id !== order.checkoutSessionId) {
    throw new Error(`settleFromSession: session ${session.id} is not order ${order.id}'s own (${order.checkoutSessionId ?? "none"}).`);
  }
  switch (session.status) {
    case "open":
      return { outcome: "session_still_payable" };
    case "expired":
      return { outcome: await cancel(deps.store, order, reasonIfExpired, now) };
    case "complete":
      if (session.paymentStatus !== "unpaid") return confirmBoundPayment(deps, order, factsOf(session), `provider:${session.id}`, now);
      // A delayed payment method completes the session before the money moves; only a payment
      // that failed for good lets the stock go.
      if (!session.paymentIntentId) return { outcome: "awaiting_async_payment" };
      switch ((await deps.checkout.getPayment(session.paymentIntentId)).status) {
        case "failed":
          return { outcome: await cancel(deps.store, order, "async_payment_failed", now) };
        case "pending":
        case "succeeded": // the session says paid a moment later; its event confirms
          return { outcome: "awaiting_async_payment" };
      }
  }
}

function factsOf(session: CheckoutSessionState): SessionFacts {
  return {
    sessionId: session.id,
    paymentStatus: session.paymentStatus,
    amountTotal: session.amountTotal,
    currency: session.currency,
    paymentIntentId: session.paymentIntentId,
  };
}

/**
 * Confirms the order with a payment, after binding it (own session, exact amount and currency,
 * paid). `source` identifies the claim for the mismatch record: an event id or `provider:…`.
 */
export async function confirmBoundPayment(
  deps: SettlementDeps,
  order: OrderRecord,
  payment: SessionFacts,
  source: string,
  now: Date,
): Promise<Settlement> {
  const mismatches = bindingMismatches(order, payment, "payment");
  if (mismatches.length > 0) {
    await recordMismatch(deps.store, order.id, payment, source, mismatches, now);
    return { outcome: "payment_mismatch", mismatches };
  }
  const paymentIntentId = payment.paymentIntentId!;
  const outcome = await confirmOrder(deps.store, order.id, { sessionId: payment.sessionId, paymentIntentId }, now, order);
  if (outcome.changed) return { outcome: "confirmed" };
  if (outcome.reason === "not_found") return { outcome: "unknown_order" };
  if (outcome.order.status !== "CANCELLED") return { outcome: "duplicate" };
  // Paid after it was cancelled (a race with expiry, cancel or sweep): its units may be sold
  // again, so the money goes back, once, whoever gets here first.
  if (outcome.order.latePaymentRefund?.paymentIntentId === paymentIntentId) return { outcome: "duplicate" };
  const refund = await deps.checkout.refundPayment({ paymentIntentId, orderId: order.id, why: "paid_after_cancellation" });
  await recordLatePaymentRefund(deps.store, order.id, { paymentIntentId, refundId: refund.refundId }, now);
  return { outcome: "paid_after_cancellation_refunded" };
}

export async function recordMismatch(
  store: Store,
  orderId: string,
  claim: { sessionId?: string; paymentIntentId?: string | undefined },
  source: string,
  mismatches: BindingMismatch[],
  now: Date,
): Promise<void> {
  await recordPaymentMismatch(store, orderId, {
    source,
    at: now.toISOString(),
    ...(claim.sessionId ? { sessionId: claim.sessionId } : {}),
    ...(claim.paymentIntentId ? { paymentIntentId: claim.paymentIntentId } : {}),
    fields: mismatches,
  });
}

async function cancel(store: Store, order: OrderRecord, reason: CancellationReason, now: Date): Promise<SettlementOutcome> {
  const outcome = await cancelOrder(store, order.id, reason, now, order);
  if (outcome.changed) return "cancelled";
  if (outcome.reason === "not_found") return "unknown_order";
  return outcome.order.status === "CANCELLED" ? "duplicate" : "late_cancellation_ignored";
}
