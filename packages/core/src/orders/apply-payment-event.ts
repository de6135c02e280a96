// Applies what a payment event means to its order. Each transition is conditional on the
// current status, so redelivered, duplicated and out-of-order events are harmless no-ops.
import type { Store } from "../shared/store";
import type { PaymentEvent } from "../payments/payment-event";
import { cancelOrder, confirmOrder } from "./order-store";

export type PaymentEventOutcome =
  | "confirmed"
  | "cancelled"
  | "awaiting_async_payment"
  | "duplicate"
  /** A cancellation arrived after the order was paid: the payment wins. */
  | "late_cancellation_ignored"
  /** Money arrived for an order already cancelled and restocked: an operator must refund it. */
  | "paid_after_cancellation"
  | "unknown_order"
  | "ignored";

export async function applyPaymentEvent(store: Store, event: PaymentEvent, now = new Date()): Promise<PaymentEventOutcome> {
  switch (event.kind) {
    case "ignored":
      return "ignored";
    case "payment_pending":
      return "awaiting_async_payment";
    case "payment_succeeded": {
      const outcome = await confirmOrder(store, event.orderId, { paymentIntentId: event.paymentIntentId }, now);
      if (outcome.changed) return "confirmed";
      if (outcome.reason === "not_found") return "unknown_order";
      return outcome.order.status === "CANCELLED" ? "paid_after_cancellation" : "duplicate";
    }
    case "payment_failed":
    case "session_expired": {
      const reason = event.kind === "payment_failed" ? "async_payment_failed" : "checkout_session_expired";
      const outcome = await cancelOrder(store, event.orderId, reason, now);
      if (outcome.changed) return "cancelled";
      if (outcome.reason === "not_found") return "unknown_order";
      return outcome.order.status === "CANCELLED" ? "duplicate" : "late_cancellation_ignored";
    }
  }
}
