// The Stripe REST calls the simulator answers, routed by method and path: Checkout Sessions
// (create, retrieve, list, line items, expire), PaymentIntents (retrieve), Refunds (create) and
// Events (retrieve, list). Each call is counted by path template so tests can assert how often
// the app called Stripe.
import type { CheckoutSessions, StripeObject } from "./checkout-sessions";
import { StripeApiError } from "./stripe-api-error";
import type { StripeEvents } from "./stripe-events";
import { parseCheckoutSessionCreateParams, parseRefundCreateParams } from "./stripe-params";

export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type RestApi = (method: string, path: string, params: Record<string, unknown>, request: RequestInfo) => Promise<Answer>;

export function createRestApi(deps: {
  sessions: CheckoutSessions;
  events: StripeEvents;
  requestCounts: Map<string, number>;
  clock: () => Date;
}): RestApi {
  const { sessions, events, requestCounts, clock } = deps;
  return async (method: string, path: string, params: Record<string, unknown>, request: RequestInfo): Promise<Answer> => {
    const now = clock();
    const segments = path.split("/").slice(2); // drop "" and "v1"
    const [resource, id, action] = segments.map((s) => decodeURIComponent(s));
    const count = (template: string) => requestCounts.set(`${method} ${template}`, (requestCounts.get(`${method} ${template}`) ?? 0) + 1);

    if (resource === "checkout" && id === "sessions") {
      const [, , sessionId, sub] = segments.map((s) => decodeURIComponent(s));
      if (method === "POST" && sessionId === undefined) {
        count("/v1/checkout/sessions");
        const parsed = parseCheckoutSessionCreateParams(params, now);
        return { status: 200, body: sessions.create(parsed, now) };
      }
      if (method === "GET" && sessionId === undefined) {
        count("/v1/checkout/sessions");
        return { status: 200, body: listPage(sessions.list(), params, "/v1/checkout/sessions") };
      }
      if (method === "GET" && sessionId && sub === undefined) {
        count("/v1/checkout/sessions/{id}");
        return { status: 200, body: sessions.retrieve(sessionId) };
      }
      if (method === "GET" && sessionId && sub === "line_items") {
        count("/v1/checkout/sessions/{id}/line_items");
        return { status: 200, body: listPage(sessions.lineItems(sessionId), params, `/v1/checkout/sessions/${sessionId}/line_items`) };
      }
      if (method === "POST" && sessionId && sub === "expire") {
        count("/v1/checkout/sessions/{id}/expire");
        return { status: 200, body: sessions.expire(sessionId, request) };
      }
    }
    if (resource === "refunds" && method === "POST" && id === undefined) {
      count("/v1/refunds");
      return { status: 200, body: sessions.createRefund(parseRefundCreateParams(params), now, request) };
    }
    if (resource === "payment_intents" && method === "GET" && id && action === undefined) {
      count("/v1/payment_intents/{id}");
      return { status: 200, body: sessions.retrievePaymentIntent(id) };
    }
    if (resource === "events" && method === "GET") {
      if (id === undefined) {
        count("/v1/events");
        const type = typeof params.type === "string" ? params.type : undefined;
        return { status: 200, body: listPage(events.list(type), params, "/v1/events") };
      }
      if (action === undefined) {
        count("/v1/events/{id}");
        return { status: 200, body: events.retrieve(id) };
      }
    }
    throw new StripeApiError(
      404,
      "invalid_request_error",
      `Unrecognized request URL (${method}: ${path}). The Stripe simulator implements the Checkout Sessions, PaymentIntents, Refunds and Events calls Shopwave uses.`,
    );
  };
}

/** Stripe's list object with `limit` (default 10, at most 100) and `starting_after` cursors. */
function listPage(items: readonly (StripeObject | { id: string })[], params: Record<string, unknown>, url: string) {
  const limitParam = params.limit === undefined ? 10 : Number(params.limit);
  if (!Number.isInteger(limitParam) || limitParam < 1 || limitParam > 100) {
    throw new StripeApiError(400, "invalid_request_error", "Invalid limit: must be an integer between 1 and 100.", "parameter_invalid_integer", "limit");
  }
  let start = 0;
  if (typeof params.starting_after === "string") {
    const index = items.findIndex((item) => (item as { id?: unknown }).id === params.starting_after);
    if (index === -1) throw new StripeApiError(400, "invalid_request_error", `No such object: '${params.starting_after}'`, "resource_missing", "starting_after");
    start = index + 1;
  }
  const data = items.slice(start, start + limitParam);
  return { object: "list", data, has_more: start + limitParam < items.length, url };
}

