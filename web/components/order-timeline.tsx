// The order's history as the API reports it (placed, payment received, confirmed, email sent,
// cancelled, refunded), oldest first: an ordered list whose entries each carry a machine-readable
// <time>. Rendered in the browser only (the order is read there), in the shopper's time zone.
import { historyLabel } from "../lib/order-history";
import type { TimelineEntry } from "../lib/shop-api";

const timeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium" });

export function OrderTimeline({ entries }: { entries: readonly TimelineEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby="timeline-heading" className="order-summary">
      <h2 id="timeline-heading">History</h2>
      <ol className="order-timeline">
        {entries.map((entry, i) => (
          <li key={`${entry.kind}-${entry.at}-${i}`}>
            <time dateTime={entry.at}>{timeFormat.format(new Date(entry.at))}</time> <span>{historyLabel(entry)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
