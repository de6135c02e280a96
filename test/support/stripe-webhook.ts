// Signs and posts Stripe events to the webhook endpoint the way Stripe does, so tests can
// replay, reorder, forge and age deliveries.
import Stripe from "stripe";

export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/**
 * The same event under a new event id, as Stripe would send a second event about the same object:
 * it passes the webhook's per-event-id dedupe and reaches the worker again.
 */
export function withNewEventId(payload: string): string {
  return JSON.stringify({ ...(JSON.parse(payload) as Record<string, unknown>), id: `evt_test_${Math.random().toString(36).slice(2)}` });
}

export async function postWebhook(apiUrl: string, payload: string, signature: string | undefined): Promise<{ status: number; body: any }> {
  const response = await fetch(`${apiUrl}/webhooks/stripe`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", ...(signature ? { "stripe-signature": signature } : {}) },
    body: payload,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export function checkoutSessionEvent(
  type: string,
  session: {
    id: string;
    orderId: string;
    paymentStatus?: "paid" | "unpaid" | "no_payment_required";
    paymentIntent?: string | null;
    /** Omitted unless given: a payment must carry the order's exact amount and currency to confirm it. */
    amountTotal?: number | null;
    currency?: string | null;
  },
  id = `evt_test_${Math.random().toString(36).slice(2)}`,
): string {
  return JSON.stringify({
    id,
    object: "event",
    api_version: "2025-01-27.acacia",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: {
      object: {
        id: session.id,
        object: "checkout.session",
        client_reference_id: session.orderId,
        metadata: { orderId: session.orderId },
        payment_status: session.paymentStatus ?? "paid",
        payment_intent: session.paymentIntent === undefined ? "pi_test_1" : session.paymentIntent,
        ...(session.amountTotal !== undefined ? { amount_total: session.amountTotal } : {}),
        ...(session.currency !== undefined ? { currency: session.currency } : {}),
        status: type === "checkout.session.expired" ? "expired" : "complete",
      },
    },
  });
}
