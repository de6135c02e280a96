"use client";
// The order page's content, read in the browser with the order's access token: from the link's
// fragment (#token=…, moved into this browser's store and off the address bar) or from the
// store, where the cart put it when it placed the order. Back from Checkout (?session_id=…),
// it asks the API to settle the order from that session at once (the webhook may come later)
// and takes the session id off the address bar, so it is not copied, shared or sent on. Without one (another browser, a
// forwarded link) the shopper is told where the order opens; a wrong or malformed token is
// "not found", as the API does not say which; an unreachable API offers "Try again".
import Link from "next/link";
import { useEffect, useState } from "react";
import { forgetOrderToken, rememberedOrderToken, rememberOrderToken, tokenFromFragment } from "../lib/order-access";
import { fulfilOrder, getOrder, type Order } from "../lib/shop-api";
import { useApiUrl } from "./api-url-provider";
import { OrderNotFound } from "./order-not-found";
import { OrderStatus } from "./order-status";

type View =
  | { kind: "loading" }
  | { kind: "elsewhere" }
  | { kind: "not-found" }
  | { kind: "unreachable" }
  | { kind: "order"; order: Order; token: string };

/** Checkout's session id from success_url, taken off the address bar (read once per arrival). */
function takeCheckoutSessionId(): string | null {
  const url = new URL(window.location.href);
  const sessionId = url.searchParams.get("session_id");
  if (sessionId === null) return null;
  url.searchParams.delete("session_id");
  window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  return /^cs_[A-Za-z0-9_]{1,250}$/.test(sessionId) ? sessionId : null;
}

/**
 * The order, settled from the session first when the shopper just came back from paying. The
 * fulfilment call is a shortcut: if it fails (busy, unreachable) the order is read as usual and
 * the page keeps polling until the webhook confirms it.
 */
async function loadOrder(apiUrl: string, orderId: string, token: string, sessionId: string | null): Promise<Order | null> {
  if (sessionId !== null) {
    try {
      return await fulfilOrder(apiUrl, orderId, token, sessionId);
    } catch {
      // fall through to a plain read
    }
  }
  return getOrder(apiUrl, orderId, token);
}

/** The order's token in this browser, and whether it came with the link (null: none at all). */
function resolveToken(orderId: string): string | "malformed" | null {
  const fromLink = tokenFromFragment(window.location.hash);
  if (fromLink === null) return rememberedOrderToken(orderId);
  if (fromLink === "malformed") return fromLink;
  // Off the address bar (a shared screen, a copied URL), once it is safe in the store.
  if (rememberOrderToken(orderId, fromLink)) {
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  }
  return fromLink;
}

export function OrderView({ orderId }: { orderId: string }) {
  const apiUrl = useApiUrl();
  const [view, setView] = useState<View>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);

  // An order link opened on this very page only changes the fragment: read it again.
  useEffect(() => {
    const onHashChange = () => setAttempt((n) => n + 1);
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  useEffect(() => {
    let stopped = false;
    setView({ kind: "loading" });
    const sessionId = takeCheckoutSessionId();
    const token = resolveToken(orderId);
    if (token === null) {
      setView({ kind: "elsewhere" });
      return;
    }
    if (token === "malformed") {
      setView({ kind: "not-found" });
      return;
    }
    loadOrder(apiUrl, orderId, token, sessionId).then(
      (order) => {
        if (stopped) return;
        if (order) {
          setView({ kind: "order", order, token });
        } else {
          forgetOrderToken(orderId);
          setView({ kind: "not-found" });
        }
      },
      () => {
        if (!stopped) setView({ kind: "unreachable" });
      },
    );
    return () => {
      stopped = true;
    };
  }, [apiUrl, orderId, attempt]);

  switch (view.kind) {
    case "not-found":
      return <OrderNotFound />;
    case "elsewhere":
      return (
        <div className="empty-state">
          <h1>Open this order where you placed it</h1>
          <p>
            To keep your order private, it opens only in the browser you placed it from, or from the link in your order
            confirmation email.
          </p>
          <Link className="button button-primary" href="/">
            Continue shopping
          </Link>
        </div>
      );
    case "unreachable":
      return (
        <div className="empty-state" role="alert">
          <h1>We couldn't load your order</h1>
          <p>The shop may be briefly unavailable. Your order is safe. Please try again in a moment.</p>
          <button type="button" className="button button-primary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      );
    default:
      return (
        <>
          <h1>Your order</h1>
          {view.kind === "order" ? (
            <OrderStatus initialOrder={view.order} token={view.token} />
          ) : (
            <p className="status-label" role="status">
              <span className="spinner" aria-hidden="true" />
              Loading your order…
            </p>
          )}
          <p>
            <Link className="button" href="/">
              Continue shopping
            </Link>
          </p>
        </>
      );
  }
}
