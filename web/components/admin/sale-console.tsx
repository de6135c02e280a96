"use client";
// The live sale view, refreshed every 5 s: the shop's orders (per minute, placed, confirmed,
// cancelled, refunded) and revenue; per product its stock, units sold and revenue (total and over
// the last 15 minutes); every consumer queue's backlog and every DLQ's depth; with a restock form
// per product (a request id per form, so a double submit adds once).
import { useCallback, useEffect, useState } from "react";
import type { DeadLetterQueue, QueueDepth, SaleSnapshot } from "../../lib/admin-api";
import { formatMoney } from "../../lib/money";
import { isRefusal, Refused, useAdminApi } from "./operator-gate";

type ProductSales = SaleSnapshot["products"][number];
type Orders = SaleSnapshot["orders"];

const REFRESH_MS = 5_000;
/** The per-minute window the view asks for. */
const WINDOW_MINUTES = 15;

export function SaleConsole() {
  const api = useAdminApi();
  const [products, setProducts] = useState<ProductSales[]>([]);
  const [orders, setOrders] = useState<Orders | null>(null);
  const [queues, setQueues] = useState<QueueDepth[]>([]);
  const [deadLetters, setDeadLetters] = useState<DeadLetterQueue[]>([]);
  const [at, setAt] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = useCallback(async () => {
    try {
      const snapshot = await api.sales(WINDOW_MINUTES);
      setProducts(snapshot.products);
      setOrders(snapshot.orders);
      setQueues(snapshot.queues);
      setDeadLetters(snapshot.deadLetters);
      setAt(snapshot.at);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [api]);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  if (isRefusal(error)) return <Refused />;
  return (
    <section>
      <h1>Sale</h1>
      <p className="muted" aria-live="polite">
        {at ? `As of ${new Date(at).toLocaleTimeString()}` : "Loading…"}
      </p>
      {error ? <p role="alert">{(error as Error).message}</p> : null}
      {orders ? <OrderFigures orders={orders} products={products} /> : null}
      <QueueDepths queues={queues} deadLetters={deadLetters} />
      <h2>Products</h2>
      <table className="admin-table">
        <thead>
          <tr>
            <th>Product</th>
            <th>Available</th>
            <th>Sold ({WINDOW_MINUTES} min)</th>
            <th>Sold (total)</th>
            <th>Revenue (total)</th>
            <th>Restock</th>
          </tr>
        </thead>
        <tbody>
          {products.map((product) => (
            <tr key={product.productId} data-product={product.productId}>
              <td>{product.name}</td>
              <td>{product.stock}</td>
              <td>{product.minutes.reduce((sum, minute) => sum + minute.unitsSold, 0)}</td>
              <td>{product.total.unitsSold}</td>
              <td>{product.currency ? formatMoney(product.total.revenueCents, product.currency) : "–"}</td>
              <td>
                <RestockForm productId={product.productId} onDone={refresh} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The shop's orders over the window and in total, and revenue per currency. */
function OrderFigures({ orders, products }: { orders: Orders; products: ProductSales[] }) {
  const inWindow = orders.minutes.reduce(
    (sum, minute) => ({ placed: sum.placed + minute.placed, confirmed: sum.confirmed + minute.confirmed, cancelled: sum.cancelled + minute.cancelled, refunded: sum.refunded + minute.refunded }),
    { placed: 0, confirmed: 0, cancelled: 0, refunded: 0 },
  );
  const lastMinute = orders.minutes.at(-1);
  const revenue = new Map<string, number>();
  for (const product of products) {
    if (product.currency) revenue.set(product.currency, (revenue.get(product.currency) ?? 0) + product.total.revenueCents - product.total.refundedCents);
  }
  const rows: [string, number, number][] = [
    ["Placed", inWindow.placed, orders.total.placed],
    ["Confirmed", inWindow.confirmed, orders.total.confirmed],
    ["Cancelled", inWindow.cancelled, orders.total.cancelled],
    ["Refunded", inWindow.refunded, orders.total.refunded],
  ];
  return (
    <>
      <h2>Orders</h2>
      <p data-testid="orders-per-minute">
        Orders per minute: <strong>{(inWindow.placed / WINDOW_MINUTES).toFixed(1)}</strong> (last {WINDOW_MINUTES} min) ·{" "}
        {lastMinute ? `${lastMinute.placed} placed in ${lastMinute.minute.slice(11, 16)} UTC` : "none placed lately"} · revenue (net of refunds):{" "}
        {[...revenue].map(([currency, cents]) => formatMoney(cents, currency)).join(", ") || "–"}
      </p>
      <table className="admin-table" aria-label="Orders">
        <thead>
          <tr>
            <th>Orders</th>
            <th>Last {WINDOW_MINUTES} min</th>
            <th>Total</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, recent, total]) => (
            <tr key={label} data-orders={label.toLowerCase()}>
              <th scope="row">{label}</th>
              <td>{recent}</td>
              <td>{total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Each consumer queue's backlog beside its DLQ's depth. */
function QueueDepths({ queues, deadLetters }: { queues: QueueDepth[]; deadLetters: DeadLetterQueue[] }) {
  return (
    <>
      <h2>Queues</h2>
      <table className="admin-table" aria-label="Queues">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Waiting</th>
            <th>In flight</th>
            <th>Dead letters</th>
          </tr>
        </thead>
        <tbody>
          {deadLetters.map((dlq) => {
            const source = queues.find((queue) => queue.resource === dlq.source);
            return (
              <tr key={dlq.resource} data-queue={dlq.source}>
                <th scope="row">{dlq.source}</th>
                <td>{source?.depth ?? "–"}</td>
                <td>{source?.inFlight ?? "–"}</td>
                <td>
                  {dlq.depth} in {dlq.resource}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function RestockForm({ productId, onDone }: { productId: string; onDone: () => Promise<void> }) {
  const api = useAdminApi();
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const [units, setUnits] = useState("");
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      aria-label={`Restock ${productId}`}
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        try {
          const result = await api.adjustStock(productId, { requestId, change: { add: Number(units) }, reason });
          setMessage(`Now ${result.after.available} available (${result.after.reserved} reserved).`);
          setRequestId(crypto.randomUUID());
          setUnits("");
          await onDone();
        } catch (failure) {
          setMessage((failure as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <input aria-label="Units to add" inputMode="numeric" required size={4} value={units} onChange={(event) => setUnits(event.target.value)} />{" "}
      <input aria-label="Reason" required placeholder="reason" size={12} value={reason} onChange={(event) => setReason(event.target.value)} />{" "}
      <button className="button" type="submit" disabled={busy}>
        Add
      </button>
      {message ? <span role="status"> {message}</span> : null}
    </form>
  );
}
