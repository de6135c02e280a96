"use client";
// The account page: who is signed in, their orders newest first (ten at a time, "Show more"
// follows the API's cursor), each linking to its live order page, and sign out.
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { formatMoney } from "../lib/money";
import type { Order } from "../lib/shop-api";
import { useSession } from "../lib/session-client";

const statusText: Record<Order["status"], string> = {
  PENDING_PAYMENT: "Awaiting payment",
  CONFIRMED: "Confirmed",
  CANCELLED: "Cancelled",
  REFUNDED: "Refunded",
};

type History = { kind: "loading" } | { kind: "failed" } | { kind: "loaded"; orders: Order[]; nextCursor: string | undefined; loadingMore: boolean };

export function AccountView() {
  const session = useSession();
  const [history, setHistory] = useState<History>({ kind: "loading" });
  const [failedSignIn, setFailedSignIn] = useState(false);

  useEffect(() => {
    setFailedSignIn(new URLSearchParams(window.location.search).get("signin") === "failed");
  }, []);

  const loadPage = useCallback(async (cursor?: string) => {
    const response = await fetch(`/api/account/orders${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`, { cache: "no-store", headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`history: ${response.status}`);
    return (await response.json()) as { items: Order[]; nextCursor?: string };
  }, []);

  useEffect(() => {
    if (session.status !== "signedIn") return;
    loadPage()
      .then((page) => setHistory({ kind: "loaded", orders: page.items, nextCursor: page.nextCursor, loadingMore: false }))
      .catch(() => setHistory({ kind: "failed" }));
  }, [session.status, loadPage]);

  const showMore = async () => {
    if (history.kind !== "loaded" || !history.nextCursor) return;
    setHistory({ ...history, loadingMore: true });
    try {
      const page = await loadPage(history.nextCursor);
      setHistory({ kind: "loaded", orders: [...history.orders, ...page.items], nextCursor: page.nextCursor, loadingMore: false });
    } catch {
      setHistory({ kind: "failed" });
    }
  };

  if (session.status === "loading") return <p aria-live="polite">Loading your account…</p>;
  if (session.status === "signedOut") {
    return (
      <section aria-labelledby="account-heading">
        <h1 id="account-heading">Your account</h1>
        {failedSignIn ? (
          <p className="notice" role="alert">
            Signing in did not complete. Please try again.
          </p>
        ) : null}
        <p>Sign in with your email to see every order you placed with it, on any device.</p>
        <p>
          <a className="button" href="/auth/sign-in?returnTo=%2Faccount">
            Sign in
          </a>
        </p>
      </section>
    );
  }

  return (
    <section aria-labelledby="account-heading" className="account">
      <h1 id="account-heading">Your account</h1>
      <p>
        Signed in as <strong data-testid="account-email">{session.email}</strong>
      </p>
      <form method="post" action="/auth/sign-out">
        <button type="submit" className="button">
          Sign out
        </button>
      </form>
      <h2>Your orders</h2>
      {history.kind === "loading" ? <p aria-live="polite">Loading your orders…</p> : null}
      {history.kind === "failed" ? (
        <p role="alert">Your orders could not be loaded. Please reload the page.</p>
      ) : null}
      {history.kind === "loaded" && history.orders.length === 0 ? <p>No orders yet. Orders you place with {session.email} appear here.</p> : null}
      {history.kind === "loaded" && history.orders.length > 0 ? (
        <>
          <ol className="order-history" aria-label="Orders, newest first">
            {history.orders.map((order) => (
              <li key={order.id} className="order-history-item" data-order-id={order.id}>
                <Link href={`/account/orders/${encodeURIComponent(order.id)}`}>
                  Order placed {new Date(order.createdAt).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" })}
                </Link>
                <span className="order-history-meta">
                  {" · "}
                  {order.items.reduce((sum, item) => sum + item.quantity, 0)} item(s) · {formatMoney(order.totalCents, order.currency)} ·{" "}
                  <span className="order-history-status">{statusText[order.status]}</span>
                </span>
              </li>
            ))}
          </ol>
          {history.nextCursor ? (
            <button type="button" className="button" onClick={() => void showMore()} disabled={history.loadingMore}>
              {history.loadingMore ? "Loading…" : "Show more orders"}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
