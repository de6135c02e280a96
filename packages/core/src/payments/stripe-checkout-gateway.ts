// CheckoutGateway on Stripe Checkout. The order id is the idempotency key, the
// client_reference_id and metadata, so retries never create a second session and every
// webhook leads back to its order.
import type Stripe from "stripe";
import { PaymentProviderUnavailable } from "../shared/domain-error";
import type { CheckoutGateway, CheckoutRequest, CheckoutSessionState, PaymentState } from "./checkout-gateway";

// Stripe's enums are open-ended (future values); anything unknown is treated conservatively:
// not complete, not paid.
function toState(session: Stripe.Checkout.Session): CheckoutSessionState {
  const paymentIntent = session.payment_intent;
  const status = session.status === "complete" ? "complete" : session.status === "expired" ? "expired" : "open";
  const paymentStatus =
    session.payment_status === "paid" ? "paid" : session.payment_status === "no_payment_required" ? "no_payment_required" : "unpaid";
  return {
    id: session.id,
    status,
    paymentStatus,
    paymentIntentId: typeof paymentIntent === "string" ? paymentIntent : paymentIntent?.id,
    amountTotal: session.amount_total ?? undefined,
    currency: session.currency?.toLowerCase() ?? undefined,
  };
}

// Only a failed attempt (requires_payment_method once an attempt was made) or a cancelled intent
// can no longer take money; every other state might still, so it counts as pending.
function toPaymentState(intent: Stripe.PaymentIntent): PaymentState {
  const failed = intent.status === "canceled" || (intent.status === "requires_payment_method" && intent.last_payment_error != null);
  return {
    id: intent.id,
    status: intent.status === "succeeded" ? "succeeded" : failed ? "failed" : "pending",
    orderId: intent.metadata?.orderId || undefined,
    amount: intent.amount,
    currency: intent.currency.toLowerCase(),
  };
}

/** Errors worth telling the shopper "try again later" about, rather than a 500. */
function isProviderOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const type = (error as { type?: string }).type;
  return type === "StripeConnectionError" || type === "StripeAPIError" || type === "StripeRateLimitError";
}

export function createStripeCheckoutGateway(stripe: Stripe): CheckoutGateway {
  return {
    async createSession(request: CheckoutRequest) {
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: "payment",
            customer_email: request.email,
            client_reference_id: request.orderId,
            metadata: { orderId: request.orderId },
            payment_intent_data: { metadata: { orderId: request.orderId } },
            expires_at: request.expiresAt,
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
            line_items: request.lines.map((line) => ({
              quantity: line.quantity,
              price_data: {
                currency: request.currency,
                unit_amount: line.unitPriceCents,
                product_data: { name: line.name, metadata: { productId: line.productId } },
              },
            })),
          },
          { idempotencyKey: `checkout-session-${request.orderId}` },
        );
        if (!session.url) throw new Error(`Stripe returned session ${session.id} without a URL.`);
        return { id: session.id, url: session.url };
      } catch (error) {
        if (isProviderOutage(error)) {
          throw new PaymentProviderUnavailable("The payment provider is unavailable; please try again shortly.", 5, error);
        }
        throw error;
      }
    },

    async getSession(sessionId) {
      return toState(await stripe.checkout.sessions.retrieve(sessionId));
    },

    async getPayment(paymentIntentId) {
      // payment_intent_data.metadata.orderId is set when the session is created.
      return toPaymentState(await stripe.paymentIntents.retrieve(paymentIntentId));
    },

    async refundPayment({ paymentIntentId, orderId, why }) {
      try {
        // One key per payment: a retried worker (or two racing) cannot refund twice.
        const refund = await stripe.refunds.create(
          { payment_intent: paymentIntentId, metadata: { orderId, why } },
          { idempotencyKey: `refund-${paymentIntentId}` },
        );
        return { refundId: refund.id };
      } catch (error) {
        // Past Stripe's 24 h idempotency window a repeat is refused as already refunded: that is done.
        if ((error as { code?: string }).code === "charge_already_refunded") return { refundId: undefined };
        throw error;
      }
    },

    async expireSession(sessionId) {
      try {
        return toState(await stripe.checkout.sessions.expire(sessionId));
      } catch (error) {
        // Stripe refuses to expire a session that is no longer open; report its actual state.
        if ((error as { type?: string }).type === "StripeInvalidRequestError") {
          const current = await stripe.checkout.sessions.retrieve(sessionId);
          if (current.status !== "open") return toState(current);
        }
        throw error;
      }
    },
  };
}
