"use client";
// Orders in the console: one status at a time, newest first, within a date range, page by page
// (the API's cursor), or one order by id.
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import type { AdminOrder } from "../../lib/admin-api";
import { formatMoney } from "../../lib/money";
import type { OrderStatus } from "../../lib/shop-api";
import { isRefusal, Refused, useAdminApi } from "./operator-gate";

const statuses: OrderStatus[] = ["PENDING_PAYMENT", "CONFIRMED", "CANCELLED", "REFUNDED"];

export function OrdersConsole() {
  const api = useAdminApi();
  const [status, setStatus] = useState<OrderStatus>("CONFIRMED");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [search, setSearch] = useState("");
  const [orders, setOrders] = useState<AdminOrder[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (next?: string) => {
      setError(null);
      try {
        const iso = (value: string) => (value ? new Date(value).toISOString() : undefined);
        const page = await api.listOrders({ status, from: iso(from), to: iso(to), cursor: next, limit: "25" });
        setOrders((current) => (next ? [...current, ...page.orders] : page.orders));
        setCursor(page.nextCursor);
      } catch (failure) {
        setError(failure);
      }
    },
    [api, status, from, to],
  );
  useEffect(() => {
    void load();
  }, [load]);

  async function find(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      setOrders((await api.findOrder(search.trim())).orders);
      setCursor(undefined);
    } catch (failure) {
      setError(failure);
    }
  }

  if (isRefusal(error)) return <Refused />;
  return (
    <section>
      <h1>Orders</h1>
      <form className="admin-filters" onSubmit={find}>
        <label>
          Order id <input value={search} onChange={(event) => setSearch(event.target.value)} placeholder="ord_…" />
        </label>
        <button className="button" type="submit">Find</button>
      </form>
      <div className="admin-filters">
        <label>
          Status
          <select value={status} onChange={(event) => setStatus(event.target.value as OrderStatus)}>
            {statuses.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Created from <input type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          to <input type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
        </label>
      </div>
      {error ? <p role="alert">{(error as Error).message}</p> : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>Order</th>
            <th>Status</th>
            <th>Email</th>
            <th>Total</th>
            <th>Refunded</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((order) => (
            <tr key={order.id}>
              <td>
                <Link href={`/admin/orders/${order.id}`} className="mono">
                  {order.id}
                </Link>
              </td>
              <td>{order.status}</td>
              <td>{order.email}</td>
              <td>{formatMoney(order.totalCents, order.currency)}</td>
              <td>{order.refundedCents ? formatMoney(order.refundedCents, order.currency) : "–"}</td>
              <td>{new Date(order.createdAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {orders.length === 0 ? <p className="muted">No orders.</p> : null}
      {cursor ? (
        <button className="button" type="button" onClick={() => void load(cursor)}>
          More
        </button>
      ) : null}
    </section>
  );
}
