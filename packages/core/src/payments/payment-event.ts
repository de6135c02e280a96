// Maps a (signature-verified) Stripe event to what it means for an order. Only the fields we
// rely on are validated, so Stripe adding fields never breaks us; a malformed event of a type
// we handle is an error (it ends in the DLQ for inspection), an unhandled type is ignored.
import * as z from "zod";

export const StripeEventEnvelope = z.object({
  id: z.string().min(1),
  object: z.literal("event"),
  type: z.string().min(1),
  created: z.number(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEventEnvelope = z.infer<typeof StripeEventEnvelope>;

const CheckoutSessionFields = z.object({
  object: z.literal("checkout.session"),
  id: z.string(),
  client_reference_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  payment_status: z.enum(["paid", "unpaid", "no_payment_required"]),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
});

const ChargeFields = z.object({
  object: z.literal("charge"),
  id: z.string(),
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  refunded: z.boolean(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
});

export const handledStripeEventTypes = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
  "charge.refunded",
] as const;
export type HandledStripeEventType = (typeof handledStripeEventTypes)[number];

export function isHandledStripeEventType(type: string): type is HandledStripeEventType {
  return (handledStripeEventTypes as readonly string[]).includes(type);
}

export type PaymentEvent =
  | { kind: "payment_succeeded"; orderId: string; sessionId: string; paymentIntentId: string | undefined }
  | { kind: "payment_pending"; orderId: string; sessionId: string }
  | { kind: "payment_failed"; orderId: string; sessionId: string }
  | { kind: "session_expired"; orderId: string; sessionId: string }
  /** A charge refunded in full; its order is found through the payment (charges carry no order id). */
  | { kind: "refunded"; paymentIntentId: string; chargeId: string }
  | { kind: "ignored"; why: string };

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : value?.id);

export function toPaymentEvent(event: StripeEventEnvelope): PaymentEvent {
  if (!isHandledStripeEventType(event.type)) return { kind: "ignored", why: `unhandled event type ${event.type}` };
  if (event.type === "charge.refunded") {
    const charge = ChargeFields.parse(event.data.object);
    const paymentIntentId = idOf(charge.payment_intent);
    if (!paymentIntentId) return { kind: "ignored", why: `charge ${charge.id} has no payment intent` };
    // A partial refund (a goodwill credit, one item back) leaves the order confirmed.
    if (!charge.refunded) return { kind: "ignored", why: `charge ${charge.id} refunded in part (${charge.amount_refunded} of ${charge.amount})` };
    return { kind: "refunded", paymentIntentId, chargeId: charge.id };
  }
  const session = CheckoutSessionFields.parse(event.data.object);
  const orderId = session.client_reference_id ?? session.metadata?.orderId;
  if (!orderId) return { kind: "ignored", why: `session ${session.id} carries no order id` };
  const sessionId = session.id;
  switch (event.type) {
    case "checkout.session.completed":
      // Delayed payment methods complete the session before the money arrives.
      return session.payment_status === "unpaid"
        ? { kind: "payment_pending", orderId, sessionId }
        : { kind: "payment_succeeded", orderId, sessionId, paymentIntentId: idOf(session.payment_intent) };
    case "checkout.session.async_payment_succeeded":
      return { kind: "payment_succeeded", orderId, sessionId, paymentIntentId: idOf(session.payment_intent) };
    case "checkout.session.async_payment_failed":
      return { kind: "payment_failed", orderId, sessionId };
    case "checkout.session.expired":
      return { kind: "session_expired", orderId, sessionId };
  }
}
