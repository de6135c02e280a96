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

export const handledStripeEventTypes = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
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
  | { kind: "ignored"; why: string };

export function toPaymentEvent(event: StripeEventEnvelope): PaymentEvent {
  if (!isHandledStripeEventType(event.type)) return { kind: "ignored", why: `unhandled event type ${event.type}` };
  const session = CheckoutSessionFields.parse(event.data.object);
  const orderId = session.client_reference_id ?? session.metadata?.orderId;
  if (!orderId) return { kind: "ignored", why: `session ${session.id} carries no order id` };
  const sessionId = session.id;
  const paymentIntent = session.payment_intent;
  switch (event.type) {
    case "checkout.session.completed":
      // Delayed payment methods complete the session before the money arrives.
      return session.payment_status === "unpaid"
        ? { kind: "payment_pending", orderId, sessionId }
        : {
            kind: "payment_succeeded",
            orderId,
            sessionId,
            paymentIntentId: typeof paymentIntent === "string" ? paymentIntent : paymentIntent?.id,
          };
    case "checkout.session.async_payment_succeeded":
      return {
        kind: "payment_succeeded",
        orderId,
        sessionId,
        paymentIntentId: typeof paymentIntent === "string" ? paymentIntent : paymentIntent?.id,
      };
    case "checkout.session.async_payment_failed":
      return { kind: "payment_failed", orderId, sessionId };
    case "checkout.session.expired":
      return { kind: "session_expired", orderId, sessionId };
  }
}
