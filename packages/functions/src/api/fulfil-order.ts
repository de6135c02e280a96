// POST /orders/{id}/fulfil { sessionId } (Authorization: Bearer <accessToken>): the storefront's
// order page calls this when Stripe Checkout sends the shopper back (success_url carries the
// session id), so confirmation does not wait on webhook delivery. Answers with the order as it is
// afterwards, with its timeline as GET /orders/{id} does (the page takes this answer as the order it
// shows, and keeps reading until the history has caught up); the webhook path stays and both
// together confirm once.
import * as z from "zod";
import { fulfilFromRedirect, type FulfilmentOutcome } from "@shopwave/core/orders/fulfil-from-redirect";
import { readTimeline } from "@shopwave/core/order-events/order-timeline";
import { NotFound } from "@shopwave/core/shared/domain-error";
import { accessTokenOf } from "../http/access-token";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";
import { parseJsonBody } from "../http/request-parsing";
import { countMetric } from "../shared/observability";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

/** A Checkout Session id as Stripe issues them; used only to compare with the order's own. */
const FulfilInput = z.object({ sessionId: z.string().regex(/^cs_[A-Za-z0-9_]{1,250}$/, "not a Checkout Session id") }).strict();

const metricByOutcome: Partial<Record<FulfilmentOutcome, string>> = {
  confirmed: "OrdersConfirmedFromRedirect",
  not_own_session: "RedirectSessionMismatches",
  payment_mismatch: "PaymentEventMismatches",
  paid_after_cancellation_refunded: "PaymentsAfterCancellation",
};

export const handler = httpHandler("POST /orders/{id}/fulfil", async (event, log) => {
  const orderId = event.pathParameters?.id ?? "";
  const token = accessTokenOf(event);
  if (!token) throw new NotFound("Order");
  log.appendKeys({ orderId });
  const { sessionId } = parseJsonBody(event, FulfilInput, { maxBytes: 1024 });
  const { outcome, order, mismatches } = await fulfilFromRedirect({ store, checkout: checkoutGateway }, { orderId, accessToken: token, sessionId });
  const metric = metricByOutcome[outcome];
  if (metric) countMetric(metric);
  // The presented session id is not logged: the order's own is on the order, and a foreign one
  // is no business of the log.
  if (outcome === "payment_mismatch") log.error("checkout session does not match its order: recorded, not applied", { mismatches });
  else if (outcome === "not_own_session") log.warn("success redirect named another checkout session: ignored");
  else log.info(`fulfilment from redirect ${outcome}`, { status: order.status });
  // Read only now: past the token check, and after this request's own transition.
  return jsonResponse(200, { ...order, timeline: await readTimeline(store, orderId) });
});
