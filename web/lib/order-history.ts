// An order's history (GET /orders/{id} `timeline`) in a shopper's words, and whether a settled
// order's history is still expected to grow (its email follows the status change by a moment).
import type { Order, TimelineEntry } from "./shop-api";

const cancellationWords: Record<string, string> = {
  checkout_session_expired: "the time to pay ran out",
  reservation_lapsed: "the time to pay ran out",
  async_payment_failed: "the bank payment did not go through",
  payment_provider_unavailable: "the payment provider could not be reached",
  cancelled_by_shopper: "you cancelled it",
  cancelled_by_operator: "we cancelled it before it was paid",
};

const emailWords: Record<string, string> = {
  receipt: "Receipt emailed to you",
  cancellation: "Cancellation emailed to you",
  refund: "Refund confirmation emailed to you",
};

export function historyLabel(entry: TimelineEntry): string {
  switch (entry.kind) {
    case "placed":
      return "Order placed";
    case "payment_received":
      return "Payment received";
    case "confirmed":
      return "Order confirmed";
    case "email_sent":
      return emailWords[String(entry.detail?.email)] ?? "Email sent to you";
    case "cancelled": {
      const why = cancellationWords[String(entry.detail?.reason)];
      return why ? `Order cancelled: ${why}` : "Order cancelled";
    }
    case "refunded":
      return "Refunded to your payment method";
    default:
      return "Updated";
  }
}

const statusKinds = new Set<TimelineEntry["kind"]>(["confirmed", "cancelled", "refunded"]);

/** Settled, but its history does not yet show the email that follows its latest status change. */
export function awaitingHistory(order: Pick<Order, "status" | "timeline">): boolean {
  if (order.status === "PENDING_PAYMENT" || order.timeline === undefined) return false;
  const lastStatus = order.timeline.findLastIndex((entry) => statusKinds.has(entry.kind));
  return lastStatus === -1 || !order.timeline.slice(lastStatus + 1).some((entry) => entry.kind === "email_sent");
}
