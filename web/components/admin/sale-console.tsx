"use client";
// The live sale view, refreshed every 5 s: per product its stock (available vs reserved), units
// sold and revenue (total and over the last 15 minutes), and every DLQ's depth; with a restock form
// per product (a request id per form, so a double submit adds once).
import { useCallback, useEffect, useState } from "react";
import type { DeadLetterQueue } from "../../lib/admin-api";
import { formatMoney } from "../../lib/money";
import { isRefusal, Refused, useAdminApi } from "./operator-gate";

interface ProductSales {
  productId: string;
  name: string;
  stock: number;
  currency?: string;
  total: { unitsSold: number; revenueCents: number; unitsRefunded: number; refundedCents: number };
  minutes: { minute: string; unitsSold: number; revenueCents: number }[];
}

const REFRESH_MS = 5_000;

export function SaleConsole() {
  const api = useAdminApi();
  const [products, setProducts] = useState<ProductSales[]>([]);
  const [deadLetters, setDeadLetters] = useState<DeadLetterQueue[]>([]);
  const [at, setAt] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = useCallback(async () => {
    try {
      const snapshot = await api.sales();
      setProducts(snapshot.products as ProductSales[]);
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
        {at ? `As of ${new Date(at).toLocaleTimeString()}` : "Loading…"} · dead letters:{" "}
        {deadLetters.map((queue) => `${queue.resource} ${queue.depth}`).join(", ") || "none"}
      </p>
      {error ? <p role="alert">{(error as Error).message}</p> : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>Product</th>
            <th>Available</th>
            <th>Sold (15 min)</th>
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
