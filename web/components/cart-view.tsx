"use client";
// The cart page: the lines from browser storage priced from the live catalog (quantities
// editable, stock warnings), the total, and checkout (use-checkout.ts): email, then POST /orders and off to the
// Checkout Session. Everything a shopper can hit on the way (out of stock, payment provider
// down, API unreachable, a cancelled payment) is said in words with a way forward.
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { removeFromCart, setCartQuantity, useCart, type CartLine } from "../lib/cart-store";
import { formatMoney } from "../lib/money";
import { getProduct, type Product } from "../lib/shop-api";
import { maxOrderable, stockLabel } from "../lib/stock";
import { useApiUrl } from "./api-url-provider";
import { ProductImage } from "./product-image";
import { QuantitySelect } from "./quantity-select";
import { useCheckout } from "./use-checkout";
import { useHydrated } from "./use-hydrated";

type Catalog = Record<string, Product | "missing">;

/** Live catalog data for the products in the cart, refetched when the set of products changes. */
function useCartProducts(lines: readonly CartLine[]) {
  const apiUrl = useApiUrl();
  const [catalog, setCatalog] = useState<Catalog>({});
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const ids = [...new Set(lines.map((line) => line.productId))].sort().join(",");

  useEffect(() => {
    if (!ids) return;
    let cancelled = false;
    setFailed(false);
    Promise.all(ids.split(",").map(async (id) => [id, (await getProduct(apiUrl, id)) ?? "missing"] as const))
      .then((entries) => {
        if (!cancelled) setCatalog(Object.fromEntries(entries));
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [apiUrl, ids, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { catalog, failed, reload };
}

function CancelledNotice() {
  return (
    <div className="notice notice-warning" role="status">
      <h2>Payment not completed</h2>
      <p>You have not been charged, and your items are still in your cart. You can check out again or try a different card.</p>
    </div>
  );
}

export function CartView({ cancelledOrderId }: { cancelledOrderId: string | null }) {
  const hydrated = useHydrated();
  const lines = useCart();
  const { catalog, failed, reload } = useCartProducts(lines);
  const { email, setEmail, submitting, problem, setProblem, checkout, signedInEmail } = useCheckout(lines, reload);

  if (!hydrated) {
    return <p className="muted">Loading your cart…</p>;
  }

  const notice = cancelledOrderId ? <CancelledNotice /> : null;

  if (lines.length === 0) {
    return (
      <>
        {notice}
        <div className="empty-state">
          <p>Your cart is empty.</p>
          <Link className="button button-primary" href="/">
            Continue shopping
          </Link>
        </div>
      </>
    );
  }

  const priced = lines.map((line) => ({ line, product: catalog[line.productId] }));
  const loading = !failed && priced.some((entry) => entry.product === undefined);
  const missing = priced.filter((entry) => entry.product === "missing");
  const totals = new Map<string, number>();
  for (const { line, product } of priced) {
    if (product && product !== "missing") totals.set(product.currency, (totals.get(product.currency) ?? 0) + product.priceCents * line.quantity);
  }

  const fixQuantities = () => {
    for (const item of problem?.outOfStock ?? []) {
      if (item.available <= 0) removeFromCart(item.productId);
      else setCartQuantity(item.productId, item.available);
    }
    setProblem(null);
    reload();
  };

  return (
    <>
      {notice}
      {failed ? (
        <div className="notice notice-error" role="alert">
          <h2>We couldn't load current prices.</h2>
          <p>The shop may be briefly unavailable. Your cart is safe.</p>
          <button type="button" className="button" onClick={reload}>
            Try again
          </button>
        </div>
      ) : null}
      <div className="cart-layout">
        <ul className="cart-lines" aria-label="Items in your cart">
          {priced.map(({ line, product }) => {
            if (product === "missing") {
              return (
                <li key={line.productId} className="cart-line">
                  <div className="cart-line-main">
                    <p>This product is no longer available.</p>
                    <button type="button" className="button button-link" onClick={() => removeFromCart(line.productId)}>
                      Remove it from your cart
                    </button>
                  </div>
                </li>
              );
            }
            const short = product !== undefined && product.stock < line.quantity;
            const selectMax = product === undefined ? line.quantity : Math.max(line.quantity, maxOrderable(product.stock));
            const name = product?.name ?? line.name ?? line.productId;
            return (
              <li key={line.productId} className="cart-line">
                {product ? (
                  <ProductImage className="cart-line-image" src={product.imageUrl} alt="" size={96} />
                ) : (
                  <span className="cart-line-image placeholder" />
                )}
                <div className="cart-line-main">
                  <h3>
                    <Link href={`/products/${encodeURIComponent(line.productId)}`}>{name}</Link>
                  </h3>
                  {product ? <p className="muted">{formatMoney(product.priceCents, product.currency)} each</p> : null}
                  {short ? (
                    <p className="warning">
                      {stockLabel(product.stock)}: lower the quantity to {product.stock > 0 ? `${product.stock} or fewer` : "remove it"} to check out.
                    </p>
                  ) : null}
                  <div className="cart-line-controls">
                    <QuantitySelect
                      id={`quantity-${line.productId}`}
                      label={`Quantity of ${name}`}
                      labelHidden
                      value={line.quantity}
                      max={selectMax}
                      onChange={(quantity) => setCartQuantity(line.productId, quantity)}
                    />
                    <button type="button" className="button button-link" onClick={() => removeFromCart(line.productId)} aria-label={`Remove ${name}`}>
                      Remove
                    </button>
                  </div>
                </div>
                <p className="cart-line-total">{product ? formatMoney(product.priceCents * line.quantity, product.currency) : "…"}</p>
              </li>
            );
          })}
        </ul>

        <section className="checkout-box" aria-labelledby="checkout-heading">
          <h2 id="checkout-heading">Checkout</h2>
          <dl className="totals">
            <dt>Total</dt>
            <dd aria-live="polite">
              {loading ? "…" : [...totals].map(([currency, cents]) => formatMoney(cents, currency)).join(" + ") || "—"}
            </dd>
          </dl>
          <form onSubmit={checkout} noValidate={false}>
            <label htmlFor="email">Email</label>
            <input
              id="email"
              name="email"
              type="email"
              autoComplete="email"
              inputMode="email"
              required
              maxLength={254}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              readOnly={signedInEmail !== undefined}
              aria-describedby="email-hint"
            />
            <p id="email-hint" className="hint">
              {signedInEmail ? "Signed in: the order goes to your account. " : "For your receipt. "}You pay on the next page (Stripe test mode).
            </p>
            <button type="submit" className="button button-primary button-wide" disabled={submitting || missing.length > 0} aria-describedby={missing.length > 0 ? "missing-hint" : undefined}>
              {submitting ? "Going to payment…" : "Checkout"}
            </button>
            {missing.length > 0 ? (
              <p id="missing-hint" className="hint">
                Remove the unavailable product to check out.
              </p>
            ) : null}
          </form>
          <div role="alert" className="checkout-problem">
            {problem ? (
              <div className="notice notice-error">
                <h3>{problem.title}</h3>
                <ul>
                  {problem.lines.map((text) => (
                    <li key={text}>{text}</li>
                  ))}
                </ul>
                {problem.outOfStock ? (
                  <button type="button" className="button" onClick={fixQuantities}>
                    Update my cart to what's available
                  </button>
                ) : null}
              </div>
            ) : null}
          </div>
        </section>
      </div>
    </>
  );
}
