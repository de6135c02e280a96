"use client";
// One order for an operator: lines, totals, refunds, its event timeline (the shopper's history
// view), Stripe's view of the session and payment, and the two actions on it. The refund form makes one request id when it is shown, so a double
// submit (or a retry after a lost answer) is one refund; it asks for confirmation first.
import { useCallback, useEffect, useState } from "react";
import type { AdminOrder } from "../../lib/admin-api";
import { formatMoney } from "../../lib/money";
import type { TimelineEntry } from "../../lib/shop-api";
import { OrderTimeline } from "../order-timeline";
import { isRefusal, Refused, useAdminApi } from "./operator-gate";

const REFUND_FOLLOW_MS = 1_000;

export function OrderDetail({ orderId }: { orderId: string }) {
  const api = useAdminApi();
  const [order, setOrder] = useState<AdminOrder | null>(null);
  const [stripe, setStripe] = useState<unknown>(null);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      const detail = await api.getOrder(orderId);
      setOrder(detail.order);
      setStripe(detail.stripe);
      setTimeline(detail.timeline);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [api, orderId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  // A full refund is recorded at once, but the order becomes REFUNDED only when Stripe's
  // charge.refunded webhook has been through the worker: follow it until then.
  const awaitingRefundWebhook = order?.status === "CONFIRMED" && order.totalCents > 0 && order.refundedCents >= order.totalCents;
  useEffect(() => {
    if (!awaitingRefundWebhook) return;
    const timer = setInterval(() => void reload(), REFUND_FOLLOW_MS);
    return () => clearInterval(timer);
  }, [awaitingRefundWebhook, reload]);

  if (isRefusal(error)) return <Refused />;
  if (!order) return error ? <p role="alert">{(error as Error).message}</p> : <p className="muted">Loading…</p>;
  const money = (cents: number) => formatMoney(cents, order.currency);
  return (
    <section>
      <h1 className="mono">{order.id}</h1>
      <p>
        <strong data-testid="order-status">{order.status}</strong> · {order.email} · created {new Date(order.createdAt).toLocaleString()}
        {order.cancellationReason ? ` · ${order.cancellationReason}` : ""}
      </p>
      <table className="admin-table">
        <tbody>
          {order.items.map((line) => (
            <tr key={line.productId}>
              <td>{line.name}</td>
              <td>× {line.quantity}</td>
              <td>{money(line.unitPriceCents * line.quantity)}</td>
            </tr>
          ))}
          <tr>
            <th colSpan={2}>Total</th>
            <th>{money(order.totalCents)}</th>
          </tr>
          <tr>
            <td colSpan={2}>Refunded</td>
            <td data-testid="refunded">{money(order.refundedCents)}</td>
          </tr>
        </tbody>
      </table>
      {order.refunds?.length ? (
        <>
          <h2>Refunds</h2>
          <ul>
            {order.refunds.map((refund) => (
              <li key={refund.refundId}>
                {money(refund.amountCents)} · {refund.reason} · “{refund.note}” · {refund.operatorId} · {new Date(refund.at).toLocaleString()}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {awaitingRefundWebhook ? <p role="status">Refunded in full; the order becomes REFUNDED when Stripe confirms it…</p> : null}
      {order.status === "CONFIRMED" && order.refundedCents < order.totalCents ? <RefundForm order={order} onDone={reload} /> : null}
      {order.status === "PENDING_PAYMENT" ? <CancelForm orderId={order.id} onDone={reload} /> : null}
      <OrderTimeline entries={timeline} />
      <details>
        <summary>Stripe</summary>
        <pre className="mono">{JSON.stringify(stripe, null, 2)}</pre>
      </details>
    </section>
  );
}

function RefundForm({ order, onDone }: { order: AdminOrder; onDone: () => Promise<void> }) {
  const api = useAdminApi();
  const remaining = order.totalCents - order.refundedCents;
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("requested_by_customer");
  const [note, setNote] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const cents = amount.trim() === "" ? remaining : Math.round(Number(amount) * 100);

  async function submit() {
    setBusy(true);
    try {
      const result = await api.refund(order.id, { requestId, ...(cents === remaining ? {} : { amountCents: cents }), reason, note });
      setMessage(`Refunded ${formatMoney(result.refund.amountCents, order.currency)}${result.replayed ? " (already done)" : ""}.`);
      setRequestId(crypto.randomUUID());
      setConfirming(false);
      await onDone();
    } catch (failure) {
      setMessage((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="admin-action"
      aria-label="Refund"
      onSubmit={(event) => {
        event.preventDefault();
        setConfirming(true);
      }}
    >
      <h2>Refund</h2>
      <label>
        Amount ({order.currency.toUpperCase()}, empty for the whole {formatMoney(remaining, order.currency)})
        <input inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} />
      </label>
      <label>
        Reason
        <select value={reason} onChange={(event) => setReason(event.target.value)}>
          <option value="requested_by_customer">Requested by customer</option>
          <option value="duplicate">Duplicate</option>
          <option value="fraudulent">Fraudulent</option>
        </select>
      </label>
      <label>
        Note <input required value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
      {confirming ? (
        <p>
          Refund {formatMoney(cents, order.currency)} to {order.email}?{" "}
          <button className="button button-primary" type="button" disabled={busy} onClick={() => void submit()}>
            Confirm refund
          </button>{" "}
          <button className="button" type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Back
          </button>
        </p>
      ) : (
        <button className="button" type="submit">
          Refund…
        </button>
      )}
      {message ? <p role="status">{message}</p> : null}
    </form>
  );
}

function CancelForm({ orderId, onDone }: { orderId: string; onDone: () => Promise<void> }) {
  const api = useAdminApi();
  const [note, setNote] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <form
      className="admin-action"
      aria-label="Cancel order"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!confirming) return setConfirming(true);
        try {
          await api.cancel(orderId, note);
          await onDone();
        } catch (failure) {
          setMessage((failure as Error).message);
        }
      }}
    >
      <h2>Cancel</h2>
      <label>
        Note <input required value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
      <button className="button" type="submit">
        {confirming ? "Confirm cancel" : "Cancel order…"}
      </button>
      {message ? <p role="status">{message}</p> : null}
    </form>
  );
}
