// The order's history as the API reports it (placed, payment received, confirmed, email sent,
// cancelled, refunded), oldest first: an ordered list whose entries each carry a machine-readable
// <time>. Rendered in the browser only (the order is read there), in the shopper's time zone.
import type { TimelineEntry } from "../lib/shop-api";

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

export function timelineLabel(entry: TimelineEntry): string {
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

const timeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium" });

export function OrderTimeline({ entries }: { entries: readonly TimelineEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby="timeline-heading" className="order-summary">
      <h2 id="timeline-heading">History</h2>
      <ol className="order-timeline">
        {entries.map((entry, i) => (
          <li key={`${entry.kind}-${entry.at}-${i}`}>
            <time dateTime={entry.at}>{timeFormat.format(new Date(entry.at))}</time> <span>{timelineLabel(entry)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
