// Applies what a payment event means to its order. Each transition is conditional on the
// current status, so redelivered, duplicated and out-of-order events are harmless no-ops.
//
// Releasing stock is the one effect that oversells if it is wrong, so an expiry event does not
// release anything on its own say-so: the session's state is read back from the payment
// provider first, and the order is settled from that (the sweeper settles lapsed orders the
// same way). A stale, replayed or forged expiry for a session that was paid confirms the order
// instead; one for a session that is still open changes nothing. A full refund moves a confirmed
// order to REFUNDED (found through the payment's metadata, since charges carry no order id).
import type { Store } from "../shared/store";
import type { CheckoutGateway, CheckoutSessionState } from "../payments/checkout-gateway";
import type { PaymentEvent } from "../payments/payment-event";
import type { CancellationReason } from "./order";
import { cancelOrder, confirmOrder, refundOrder } from "./order-store";

export type PaymentEventOutcome =
  | "confirmed"
  | "cancelled"
  | "awaiting_async_payment"
  | "duplicate"
  /** A cancellation arrived after the order was paid: the payment wins. */
  | "late_cancellation_ignored"
  /** Money arrived for an order already cancelled and restocked: an operator must refund it. */
  | "paid_after_cancellation"
  /** An expiry event whose session the provider reports still open: nothing to do. */
  | "expiry_not_confirmed"
  | "refunded"
  /** A refund for an order that is not CONFIRMED (e.g. paid after cancellation, then refunded by an operator). */
  | "refund_of_unconfirmed_order"
  | "unknown_order"
  | "ignored";

export interface PaymentDeps {
  store: Store;
  checkout: CheckoutGateway;
}

export interface AppliedPaymentEvent {
  outcome: PaymentEventOutcome;
  /** The order the event concerned, when known (for a refund, found through the payment). */
  orderId: string | undefined;
}

export async function applyPaymentEvent(deps: PaymentDeps, event: PaymentEvent, now = new Date()): Promise<AppliedPaymentEvent> {
  switch (event.kind) {
    case "ignored":
      return { outcome: "ignored", orderId: undefined };
    case "payment_pending":
      return { outcome: "awaiting_async_payment", orderId: event.orderId };
    case "payment_succeeded":
      return { outcome: await confirm(deps.store, event.orderId, event.paymentIntentId, now), orderId: event.orderId };
    case "payment_failed":
      return { outcome: await cancel(deps.store, event.orderId, "async_payment_failed", now), orderId: event.orderId };
    case "session_expired": {
      const session = await deps.checkout.getSession(event.sessionId);
      return { outcome: await settleFromSession(deps.store, event.orderId, session, "checkout_session_expired", now), orderId: event.orderId };
    }
    case "refunded": {
      const orderId = await deps.checkout.orderIdOfPayment(event.paymentIntentId);
      return { outcome: orderId ? await refund(deps.store, orderId, event.paymentIntentId, now) : "unknown_order", orderId };
    }
  }
}

async function refund(store: Store, orderId: string, paymentIntentId: string, now: Date): Promise<PaymentEventOutcome> {
  const outcome = await refundOrder(store, orderId, paymentIntentId, now);
  if (outcome.changed) return "refunded";
  if (outcome.reason === "not_found") return "unknown_order";
  return outcome.order.status === "REFUNDED" ? "duplicate" : "refund_of_unconfirmed_order";
}

/** Settles an order from the provider's current view of its Checkout Session. */
export async function settleFromSession(
  store: Store,
  orderId: string,
  session: CheckoutSessionState,
  reasonIfExpired: CancellationReason,
  now: Date,
): Promise<PaymentEventOutcome> {
  switch (session.status) {
    case "complete":
      // A delayed payment method completes the session before the money arrives; its async event decides.
      return session.paymentStatus === "unpaid" ? "awaiting_async_payment" : confirm(store, orderId, session.paymentIntentId, now);
    case "expired":
      return cancel(store, orderId, reasonIfExpired, now);
    case "open":
      return "expiry_not_confirmed";
  }
}

async function confirm(store: Store, orderId: string, paymentIntentId: string | undefined, now: Date): Promise<PaymentEventOutcome> {
  const outcome = await confirmOrder(store, orderId, { paymentIntentId }, now);
  if (outcome.changed) return "confirmed";
  if (outcome.reason === "not_found") return "unknown_order";
  return outcome.order.status === "CANCELLED" ? "paid_after_cancellation" : "duplicate";
}

async function cancel(store: Store, orderId: string, reason: CancellationReason, now: Date): Promise<PaymentEventOutcome> {
  const outcome = await cancelOrder(store, orderId, reason, now);
  if (outcome.changed) return "cancelled";
  if (outcome.reason === "not_found") return "unknown_order";
  return outcome.order.status === "CANCELLED" ? "duplicate" : "late_cancellation_ignored";
}
