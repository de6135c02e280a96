// One flash-sale shopper without a browser: browse the catalog, open the sale item, place an
// order, pay on the hosted Checkout page exactly as a browser would (payOnCheckoutPage), then
// watch the order page until the order settles. Every step is timed; the shopper never decides
// the verdict (that comes from the database), it only reports what a shopper saw.
import { payOnCheckoutPage } from "../support/checkout-page-client";
import type { ApiClient } from "../support/api-client";
import type { StepSample } from "./latency-summary";

export const SHOPPER_STEPS = ["productRead", "orderCreate", "soldOutAnswer", "payment", "confirmation", "endToEnd"] as const;
export type ShopperStep = (typeof SHOPPER_STEPS)[number];

export type ShopperOutcome =
  /** Saw its order CONFIRMED. */
  | "confirmed"
  /** Saw its order CANCELLED (e.g. the session expired before the payment went through). */
  | "cancelled"
  /** POST /orders answered 409 OUT_OF_STOCK: a correct "sold out". */
  | "sold_out"
  /** The payment page did not accept the card. */
  | "declined"
  /** Paid, but the order was still pending when the shopper stopped watching. */
  | "unsettled"
  /** Anything unexpected: a 5xx, a network error, a malformed answer. */
  | "error";

export interface ShopperResult {
  outcome: ShopperOutcome;
  /** POST /orders was sent (the shopper got past the catalog). */
  ordered: boolean;
  orderId: string | null;
  /** The payment page answered 303 (what a browser follows to the success URL). */
  paid: boolean;
  /** What went wrong, grouped so a report can count by kind (e.g. "POST /orders 500"). */
  errorKind: string | null;
  /** When the shopper arrived and when the payment page answered 303, in ms since the run's start. */
  arrivedAtMs: number;
  paidAtMs: number | null;
}

export interface ShopperOptions {
  api: ApiClient;
  /** Where the catalog is read (a CDN in front of the API); the API itself when absent. */
  catalog?: ApiClient;
  productId: string;
  email: string;
  cardNumber: string;
  /**
   * Back from paying, ask the API to settle the order from the success URL's session id first
   * (POST /orders/{id}/fulfil, what the storefront's order page does); false: wait for the webhook only.
   */
  fulfilOnReturn?: boolean;
  /** How often the order page is polled while waiting for the webhook to land (the storefront's page: 1 s). */
  pollMs: number;
  /** Give up watching an order this long after paying (the order then counts as unsettled). */
  settleTimeoutMs: number;
  /** How many times a 503 + Retry-After from POST /orders is retried, as a storefront would. */
  maxUnavailableRetries: number;
  /** Sent as X-Forwarded-For with the order, for a stack that trusts it (each shopper its own client). */
  clientAddress?: string;
  /** Milliseconds since the run's start. */
  clock: () => number;
  record: (sample: StepSample<ShopperStep>) => void;
  /** Called for every unexpected answer, also ones the shopper recovers from (a retried 503). */
  onError: (kind: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Real Stripe's hosted Checkout is a JavaScript app: only a browser can pay on it. */
export function needsBrowserToPay(checkoutUrl: string): boolean {
  return new URL(checkoutUrl).hostname.endsWith("stripe.com");
}

export class RealStripeCheckoutError extends Error {
  constructor(checkoutUrl: string) {
    super(
      `The target hands out real Stripe Checkout pages (${new URL(checkoutUrl).origin}), which only a browser can pay on. ` +
        "Run the stage rehearsal with Artillery (docs/load-testing.md), or point the stage at a Stripe-speaking simulator.",
    );
  }
}

export async function runShopper(options: ShopperOptions): Promise<ShopperResult> {
  const { api, clock, record } = options;
  const started = clock();
  const timed = async <T>(step: ShopperStep, run: () => Promise<T>, ok: (value: T) => boolean): Promise<T> => {
    const t0 = clock();
    try {
      const value = await run();
      record({ step, atMs: clock(), ms: clock() - t0, ok: ok(value) });
      return value;
    } catch (error) {
      record({ step, atMs: clock(), ms: clock() - t0, ok: false });
      throw error;
    }
  };
  let ordered = false;
  const fail = (kind: string, orderId: string | null = null): ShopperResult => {
    options.onError(kind);
    return { outcome: "error", ordered, orderId, paid: false, errorKind: kind, arrivedAtMs: started, paidAtMs: null };
  };

  try {
    const catalog = options.catalog ?? api;
    const list = await timed("productRead", () => catalog.get("/products?limit=100"), (r) => r.status === 200);
    if (list.status !== 200) return fail(`GET /products ${list.status}`);
    const product = await timed("productRead", () => catalog.get(`/products/${encodeURIComponent(options.productId)}`), (r) => r.status === 200);
    if (product.status !== 200) return fail(`GET /products/{id} ${product.status}`);
  } catch (error) {
    return fail(`catalog: ${networkErrorKind(error)}`);
  }

  let placed: { order: { id: string }; checkoutUrl: string; accessToken: string } | undefined;
  for (let attempt = 0; !placed; attempt++) {
    const t0 = clock();
    ordered = true;
    let response;
    try {
      response = await api.post(
        "/orders",
        { email: options.email, items: [{ productId: options.productId, quantity: 1 }] },
        options.clientAddress ? { "x-forwarded-for": options.clientAddress } : undefined,
      );
    } catch (error) {
      record({ step: "orderCreate", atMs: clock(), ms: clock() - t0, ok: false });
      return fail(`POST /orders: ${networkErrorKind(error)}`);
    }
    const ms = clock() - t0;
    if (response.status === 201) {
      record({ step: "orderCreate", atMs: clock(), ms, ok: true });
      placed = response.body;
    } else if (response.status === 409 && response.body?.error?.code === "OUT_OF_STOCK") {
      record({ step: "soldOutAnswer", atMs: clock(), ms, ok: true });
      return { outcome: "sold_out", ordered, orderId: null, paid: false, errorKind: null, arrivedAtMs: started, paidAtMs: null };
    } else if (response.status === 503 && attempt < options.maxUnavailableRetries) {
      record({ step: "orderCreate", atMs: clock(), ms, ok: false });
      options.onError("POST /orders 503 (retried)");
      const retryAfter = Number(response.headers.get("retry-after"));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : 1000);
    } else {
      record({ step: "orderCreate", atMs: clock(), ms, ok: false });
      return fail(`POST /orders ${response.status}${response.body?.error?.code ? ` ${response.body.error.code}` : ""}`);
    }
  }

  const orderId = placed.order.id;
  if (needsBrowserToPay(placed.checkoutUrl)) throw new RealStripeCheckoutError(placed.checkoutUrl);
  let paidAt: number;
  let paymentLocation: string | null = null;
  try {
    const payment = await timed("payment", () => payOnCheckoutPage(placed.checkoutUrl, options.cardNumber), (r) => r.status === 303);
    paymentLocation = payment.location;
    if (payment.status !== 303) {
      options.onError(`payment ${payment.status}${payment.alert ? `: ${payment.alert}` : ""}`);
      return { outcome: "declined", ordered, orderId, paid: false, errorKind: `payment ${payment.status}`, arrivedAtMs: started, paidAtMs: null };
    }
    paidAt = clock();
  } catch (error) {
    return fail(`payment: ${networkErrorKind(error)}`, orderId);
  }

  const path = `/orders/${encodeURIComponent(orderId)}?token=${encodeURIComponent(placed.accessToken)}`;
  // The success URL the payment page redirected to carries the session id, as it does for a browser.
  const sessionId = options.fulfilOnReturn === false ? null : successSessionId(paymentLocation);
  for (let first = true; ; first = false) {
    let status: string | undefined;
    try {
      const response =
        first && sessionId
          ? await api.post(`/orders/${encodeURIComponent(orderId)}/fulfil`, { sessionId }, { authorization: `Bearer ${placed.accessToken}` })
          : await api.get(path);
      if (response.status === 200) status = response.body?.status;
      else options.onError(`GET /orders/{id} ${response.status}`);
    } catch (error) {
      options.onError(`GET /orders/{id}: ${networkErrorKind(error)}`);
    }
    if (status === "CONFIRMED" || status === "CANCELLED") {
      const now = clock();
      record({ step: "confirmation", atMs: now, ms: now - paidAt, ok: status === "CONFIRMED" });
      if (status === "CONFIRMED") record({ step: "endToEnd", atMs: now, ms: now - started, ok: true });
      return { outcome: status === "CONFIRMED" ? "confirmed" : "cancelled", ordered, orderId, paid: true, errorKind: null, arrivedAtMs: started, paidAtMs: paidAt };
    }
    if (clock() - paidAt > options.settleTimeoutMs) {
      options.onError("order not settled in time");
      return { outcome: "unsettled", ordered, orderId, paid: true, errorKind: "order not settled in time", arrivedAtMs: started, paidAtMs: paidAt };
    }
    await sleep(options.pollMs);
  }
}

function successSessionId(location: string | null): string | null {
  if (!location) return null;
  try {
    return new URL(location).searchParams.get("session_id");
  } catch {
    return null;
  }
}

function networkErrorKind(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause as { code?: string } | undefined;
    return cause?.code ?? error.message;
  }
  return String(error);
}
