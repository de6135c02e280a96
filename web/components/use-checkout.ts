"use client";
// Checking out a cart: resume the shopper's open Checkout Session for the same cart instead of
// reserving the stock twice, give back an earlier reservation when the cart changed, place the
// order, keep its token for the order page (Checkout's return URL does not carry it) and go to
// Checkout; a failure becomes a problem the cart page can explain.
import { useEffect, useState, type FormEvent } from "react";
import type { CartLine } from "../lib/cart-store";
import { rememberOrderToken } from "../lib/order-access";
import { cartKey, forgetPendingCheckout, readPendingCheckout, rememberPendingCheckout } from "../lib/pending-checkout";
import { cancelOrder, getOrder, placeOrder } from "../lib/shop-api";
import { useSession } from "../lib/session-client";
import { useApiUrl } from "./api-url-provider";
import { describeCheckoutError, type CheckoutProblem } from "./checkout-error";

/** `reload` refreshes the cart's catalog data (stock changed when a checkout fails). */
export function useCheckout(lines: readonly CartLine[], reload: () => void) {
  const apiUrl = useApiUrl();
  const session = useSession();
  const signedInEmail = session.status === "signedIn" ? session.email : undefined;
  const [email, setEmail] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<CheckoutProblem | null>(null);

  // Returning with the browser's Back button restores this page from the cache mid-redirect.
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) setSubmitting(false);
    };
    window.addEventListener("pageshow", onPageShow);
    return () => window.removeEventListener("pageshow", onPageShow);
  }, []);

  // Signed in, the order uses the account's email (the API requires it) and is linked to it.
  useEffect(() => {
    if (signedInEmail) setEmail(signedInEmail);
  }, [signedInEmail]);

  // Prefill the email of the checkout the shopper just came back from.
  useEffect(() => {
    const pending = readPendingCheckout();
    // Only on arrival: afterwards the field is the shopper's.
    if (pending) setEmail((current) => current || pending.email);
  }, []);

  const checkout = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!event.currentTarget.reportValidity()) return;
    setProblem(null);
    setSubmitting(true);
    const items = lines.map(({ productId, quantity }) => ({ productId, quantity })); // the API refuses unknown fields
    const key = cartKey(items);
    const address = email.trim();
    // Same cart, same shopper, session still open: go back to it rather than reserve the stock twice.
    const pending = readPendingCheckout();
    if (pending && pending.cartKey === key && pending.email === address) {
      try {
        const order = await getOrder(apiUrl, pending.orderId, pending.accessToken);
        if (order?.status === "PENDING_PAYMENT" && order.checkoutUrl && Date.parse(order.expiresAt) - Date.now() > 2 * 60_000) {
          window.location.assign(order.checkoutUrl);
          return;
        }
      } catch {
        // fall through to a new order
      }
    }
    if (pending) {
      // A different cart (or one about to lapse) replaces the earlier order: give its stock back now
      // rather than when its reservation runs out. Best effort: the reservation lapses anyway.
      await cancelOrder(apiUrl, pending.orderId, pending.accessToken).catch(() => undefined);
      forgetPendingCheckout();
    }
    try {
      // Signed in: through the storefront's server, which adds the customer's token (httpOnly cookie).
      const placed = await placeOrder(signedInEmail ? `${window.location.origin}/api` : apiUrl, { email: address, items });
      rememberPendingCheckout({ orderId: placed.order.id, accessToken: placed.accessToken, checkoutUrl: placed.checkoutUrl, email: address, cartKey: key });
      // The order page Checkout returns to reads the order with it (it is not in that URL).
      rememberOrderToken(placed.order.id, placed.accessToken);
      window.location.assign(placed.checkoutUrl);
    } catch (error) {
      setProblem(describeCheckoutError(error));
      setSubmitting(false);
      reload(); // show the stock as it is now
    }
  };

  return { email, setEmail, submitting, problem, setProblem, checkout, signedInEmail };
}
