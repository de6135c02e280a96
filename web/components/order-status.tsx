"use client";
// The order page's live part: shows the order's status and history and keeps asking the API
// until it settles (CONFIRMED, CANCELLED, REFUNDED) and, for up to a minute more, until its
// history shows the email that follows, so the shopper back from Checkout sees the
// confirmation and the receipt arrive without reloading. Polls quickly at first (the webhook usually lands
// within a second or two), then less often, and pauses while the tab is hidden.
import Link from "next/link";
import { useEffect, useState } from "react";
import { clearCart } from "../lib/cart-store";
import { formatMoney } from "../lib/money";
import { forgetPendingCheckout, readPendingCheckout } from "../lib/pending-checkout";
import { getOrder, type Order } from "../lib/shop-api";
import { useApiUrl } from "./api-url-provider";
import { OrderTimeline } from "./order-timeline";

const settled = (order: Order) => order.status !== "PENDING_PAYMENT";

/** How long the page keeps reading a settled order for the rest of its history (the email). */
const HISTORY_WAIT_MS = 60_000;
const statusKinds = new Set(["confirmed", "cancelled", "refunded"]);

/** Settled, but its history does not yet show the email that follows the latest status change. */
function awaitingHistory(order: Order): boolean {
  if (!settled(order) || order.timeline === undefined) return false;
  const lastStatus = order.timeline.findLastIndex((entry) => statusKinds.has(entry.kind));
  return lastStatus === -1 || !order.timeline.slice(lastStatus + 1).some((entry) => entry.kind === "email_sent");
}

/** Whether the page should keep asking: until the order settles, then briefly for its history. */
function stillChanging(order: Order, settledSeenAt: number | undefined): boolean {
  if (!settled(order)) return true;
  return awaitingHistory(order) && settledSeenAt !== undefined && Date.now() - settledSeenAt < HISTORY_WAIT_MS;
}

/** Seconds between polls: 1 s for the first half minute, then 3 s, then 10 s after five minutes. */
export function pollDelayMs(elapsedMs: number): number {
  if (elapsedMs < 30_000) return 1_000;
  return elapsedMs < 5 * 60_000 ? 3_000 : 10_000;
}

const cancellationText: Record<string, string> = {
  checkout_session_expired: "The payment window closed before payment was completed.",
  reservation_lapsed: "The payment window closed before payment was completed.",
  async_payment_failed: "The bank debit did not go through.",
  payment_provider_unavailable: "We couldn't reach the payment provider to take payment.",
  cancelled_by_shopper: "You cancelled this order.",
  cancelled_by_operator: "We cancelled this order before it was paid.",
};

function StatusPanel({ order }: { order: Order }) {
  switch (order.status) {
    case "CONFIRMED":
      return (
        <div className="status-panel status-confirmed">
          <p className="status-label">Confirmed</p>
          <p>Thank you! Your payment was received and your order is confirmed.</p>
        </div>
      );
    case "CANCELLED":
      return (
        <div className="status-panel status-cancelled">
          <p className="status-label">Cancelled</p>
          <p>
            {cancellationText[order.cancellationReason ?? ""] ?? "This order was cancelled."} You have not been charged, and the items were
            returned to stock.
          </p>
        </div>
      );
    case "REFUNDED":
      return (
        <div className="status-panel status-refunded">
          <p className="status-label">Refunded</p>
          <p>This order was refunded to your original payment method.</p>
        </div>
      );
    default:
      return (
        <div className="status-panel status-pending">
          <p className="status-label">
            <span className="spinner" aria-hidden="true" />
            Waiting for payment confirmation
          </p>
          <p>This page updates by itself as soon as the payment is confirmed.</p>
        </div>
      );
  }
}

export function OrderStatus({ initialOrder, token }: { initialOrder: Order; token: string }) {
  const apiUrl = useApiUrl();
  const [order, setOrder] = useState(initialOrder);
  const [reconnecting, setReconnecting] = useState(false);

  // The shopper came back from paying for the cart's order: the cart has been bought.
  useEffect(() => {
    if (order.status === "CANCELLED") return;
    const pending = readPendingCheckout();
    if (pending?.orderId === order.id) {
      clearCart();
      forgetPendingCheckout();
    }
  }, [order.id, order.status]);

  useEffect(() => {
    // A page opened on an order settled long ago has nothing more to wait for.
    if (settled(initialOrder) && !awaitingHistory(initialOrder)) return;
    const started = Date.now();
    let settledSeenAt = settled(initialOrder) ? started : undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const poll = async () => {
      timer = undefined;
      if (stopped) return;
      if (document.visibilityState === "hidden") return; // resumed by visibilitychange
      try {
        const latest = await getOrder(apiUrl, initialOrder.id, token);
        if (stopped) return;
        setReconnecting(false);
        if (latest) {
          setOrder(latest);
          if (settled(latest)) settledSeenAt ??= Date.now();
          if (!stillChanging(latest, settledSeenAt)) return;
        }
      } catch {
        if (!stopped) setReconnecting(true);
      }
      if (!stopped) timer = setTimeout(poll, pollDelayMs(Date.now() - started));
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible" && timer === undefined) void poll();
    };
    timer = setTimeout(poll, pollDelayMs(0));
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [apiUrl, initialOrder, token]);

  return (
    <>
      <div aria-live="polite" aria-atomic="true">
        <StatusPanel order={order} />
      </div>
      {reconnecting ? (
        <p className="hint" role="status">
          Lost contact with the shop; still trying…
        </p>
      ) : null}
      <section aria-labelledby="items-heading" className="order-summary">
        <h2 id="items-heading">Items</h2>
        <table className="order-items">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Qty</th>
              <th scope="col">Price</th>
            </tr>
          </thead>
          <tbody>
            {order.items.map((item) => (
              <tr key={item.productId}>
                <td>
                  <Link href={`/products/${encodeURIComponent(item.productId)}`}>{item.name}</Link>
                </td>
                <td>{item.quantity}</td>
                <td>{formatMoney(item.unitPriceCents * item.quantity, order.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Total
              </th>
              <td>{formatMoney(order.totalCents, order.currency)}</td>
            </tr>
          </tfoot>
        </table>
        <p className="muted">
          Order <span className="mono">{order.id}</span> · {order.email}
        </p>
      </section>
      <OrderTimeline entries={order.timeline ?? []} />
    </>
  );
}
