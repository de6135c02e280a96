"use client";
// One of the signed-in customer's orders, read through the storefront's server with the session
// (no order token needed, so it opens on any device), its status polled until it settles.
import Link from "next/link";
import { useEffect, useState } from "react";
import { formatMoney } from "../lib/money";
import type { Order } from "../lib/shop-api";
import { pollDelayMs } from "./order-status";

type View = { kind: "loading" } | { kind: "signed-out" } | { kind: "not-found" } | { kind: "failed" } | { kind: "order"; order: Order };

const statusText: Record<Order["status"], string> = {
  PENDING_PAYMENT: "Awaiting payment",
  CONFIRMED: "Confirmed",
  CANCELLED: "Cancelled",
  REFUNDED: "Refunded",
};

export function AccountOrder({ orderId }: { orderId: string }) {
  const [view, setView] = useState<View>({ kind: "loading" });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    const poll = async () => {
      try {
        const response = await fetch(`/api/account/orders/${encodeURIComponent(orderId)}`, { cache: "no-store", headers: { accept: "application/json" } });
        if (stopped) return;
        if (response.status === 401) return setView({ kind: "signed-out" });
        if (response.status === 404) return setView({ kind: "not-found" });
        if (!response.ok) throw new Error(String(response.status));
        const order = (await response.json()) as Order;
        setView({ kind: "order", order });
        if (order.status === "PENDING_PAYMENT") timer = setTimeout(() => void poll(), pollDelayMs(Date.now() - started));
      } catch {
        if (!stopped) setView({ kind: "failed" });
      }
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [orderId]);

  if (view.kind === "loading") return <p aria-live="polite">Loading your order…</p>;
  if (view.kind === "signed-out") {
    return (
      <p>
        <a href={`/auth/sign-in?returnTo=${encodeURIComponent(`/account/orders/${orderId}`)}`}>Sign in</a> to see this order.
      </p>
    );
  }
  if (view.kind === "not-found") {
    return (
      <section>
        <h1>Order not found</h1>
        <p>
          There is no order like that in your account. <Link href="/account">Back to your orders</Link>
        </p>
      </section>
    );
  }
  if (view.kind === "failed") return <p role="alert">The order could not be loaded. Please reload the page.</p>;
  const { order } = view;
  return (
    <section aria-labelledby="order-heading">
      <h1 id="order-heading">Your order</h1>
      <p className="hint">{order.id}</p>
      <p aria-live="polite">
        Status: <strong data-testid="account-order-status">{statusText[order.status]}</strong>
      </p>
      {order.status === "PENDING_PAYMENT" && order.checkoutUrl ? (
        <p>
          <a href={order.checkoutUrl}>Complete payment</a>
        </p>
      ) : null}
      <ul>
        {order.items.map((item) => (
          <li key={item.productId}>
            {item.quantity} × {item.name} ({formatMoney(item.unitPriceCents, order.currency)})
          </li>
        ))}
      </ul>
      <p>
        Total: <strong>{formatMoney(order.totalCents, order.currency)}</strong>
      </p>
      <p>
        <Link href="/account">Back to your orders</Link>
      </p>
    </section>
  );
}
