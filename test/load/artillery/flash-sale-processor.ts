// Artillery processor for test/load/artillery/flash-sale.yml: the steps of the flash-sale shopper
// that YAML cannot express. Sorts POST /orders answers (201 reserved, 409 sold out) into custom
// counters instead of failed captures, pays on the hosted Checkout page with the same
// payOnCheckoutPage the local load test uses, and times webhook → CONFIRMED while the order page
// is polled. The scenario loads it bundled (dist/flash-sale-processor.js, built by
// `npm run load:artillery`): a self-contained file, because for Lambda/Fargate workers Artillery
// ships a TypeScript processor as source and `npm install`s the packages it imports from the public
// registry, where private workspace packages do not exist. On one machine (`npm run load:artillery`), the
// ids of paid orders are appended to SHOPWAVE_ARTILLERY_PAID_ORDERS, so the database verdict can
// check that none of them was lost.
import { appendFileSync } from "node:fs";
import { payOnCheckoutPage } from "../../support/checkout-page-client";

interface Vars {
  orderId?: string;
  checkoutUrl?: string;
  accessToken?: string;
  paidAt?: number;
  settled?: boolean;
  pollDeadline?: number;
  [key: string]: unknown;
}
interface Context {
  vars: Vars;
}
interface Events {
  emit(type: "counter" | "histogram", name: string, value: number): void;
}
interface Response {
  statusCode: number;
  body: unknown;
}
type Done = (error?: Error) => void;

const json = (body: unknown): Record<string, any> => {
  if (typeof body !== "string") return (body ?? {}) as Record<string, any>;
  try {
    return JSON.parse(body) as Record<string, any>;
  } catch {
    return {};
  }
};

/** afterResponse of POST /orders. */
export function recordOrder(_request: unknown, response: Response, context: Context, events: Events, next: Done): void {
  const body = json(response.body);
  if (response.statusCode === 201) {
    context.vars.orderId = body.order?.id;
    context.vars.checkoutUrl = body.checkoutUrl;
    context.vars.accessToken = body.accessToken;
    events.emit("counter", "flash_sale.reserved", 1);
  } else if (response.statusCode === 409 && body.error?.code === "OUT_OF_STOCK") {
    events.emit("counter", "flash_sale.sold_out", 1);
  } else {
    events.emit("counter", `flash_sale.order_failed.${response.statusCode}`, 1);
  }
  next();
}

/** The payment step: what a browser does on the hosted page. Real Stripe Checkout needs a real browser. */
export async function pay(context: Context, events: Events): Promise<void> {
  const url = context.vars.checkoutUrl;
  if (!url) return;
  if (new URL(url).hostname.endsWith("stripe.com")) {
    events.emit("counter", "flash_sale.payment_needs_browser", 1);
    return;
  }
  const started = Date.now();
  const result = await payOnCheckoutPage(url, "4242 4242 4242 4242");
  events.emit("histogram", "flash_sale.payment", Date.now() - started);
  if (result.status === 303) {
    context.vars.paidAt = Date.now();
    context.vars.pollDeadline = Date.now() + 60_000;
    events.emit("counter", "flash_sale.paid", 1);
    // One short line per append (O_APPEND): the workers' lines never interleave.
    const paidLog = process.env.SHOPWAVE_ARTILLERY_PAID_ORDERS;
    if (paidLog && context.vars.orderId) appendFileSync(paidLog, `${context.vars.orderId}\n`);
  } else {
    events.emit("counter", "flash_sale.payment_declined", 1);
  }
}

/** ifTrue of the order-page poll: only a paid order is watched. */
export function isPaid(vars: Vars): boolean {
  return typeof vars.paidAt === "number";
}

/** afterResponse of GET /orders/{id}: settles the shopper on CONFIRMED or CANCELLED. */
export function recordOrderStatus(_request: unknown, response: Response, context: Context, events: Events, next: Done): void {
  const status = json(response.body).status;
  if (response.statusCode === 200 && (status === "CONFIRMED" || status === "CANCELLED")) {
    context.vars.settled = true;
    events.emit("counter", status === "CONFIRMED" ? "flash_sale.confirmed" : "flash_sale.cancelled", 1);
    if (status === "CONFIRMED") events.emit("histogram", "flash_sale.webhook_to_confirmed", Date.now() - (context.vars.paidAt ?? Date.now()));
  } else if (Date.now() > (context.vars.pollDeadline ?? 0)) {
    context.vars.settled = true;
    events.emit("counter", "flash_sale.unsettled", 1);
  }
  next();
}

/** whileTrue of the poll loop: keep polling a paid order until it settles. */
export function awaitingOrder(context: Context, done: (again: boolean) => void): void {
  done(isPaid(context.vars) && !context.vars.settled);
}
