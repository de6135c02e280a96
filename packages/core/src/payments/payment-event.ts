// Maps a (signature-verified) Stripe event to what it claims about a payment. Only the fields we
// rely on are validated, so Stripe adding fields never breaks us; a malformed event of a type
// we handle is an error (it ends in the DLQ for inspection), an unhandled type is ignored.
//
// A signature proves Stripe sent the event, not which of our orders it concerns: the facts kept
// here (session, amount, currency, payment status, payment) are what the order's binding check
// (orders/payment-binding.ts) compares with what we recorded before anything changes.
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
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
});

const ChargeFields = z.object({
  object: z.literal("charge"),
  id: z.string(),
  amount: z.number().int().nonnegative(),
  amount_refunded: z.number().int().nonnegative(),
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

/** What a Checkout Session event says about itself; none of it is trusted until bound to its order. */
export interface SessionClaim {
  /** The order the session names (client_reference_id, else metadata.orderId). */
  orderId: string;
  sessionId: string;
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  /** Minor units; absent only in events Stripe never sends for mode=payment sessions. */
  amountTotal: number | undefined;
  /** Lower-case ISO code, as Stripe writes it. */
  currency: string | undefined;
  paymentIntentId: string | undefined;
}

export type PaymentEvent =
  | { kind: "payment_succeeded"; session: SessionClaim }
  | { kind: "payment_pending"; session: SessionClaim }
  | { kind: "payment_failed"; session: SessionClaim }
  | { kind: "session_expired"; session: SessionClaim }
  /** A charge refunded in full; its order is found through the payment (charges carry no order id). */
  | { kind: "refunded"; paymentIntentId: string; chargeId: string }
  /** A charge refunded in part, by anyone (the console, the Stripe Dashboard): how much so far. */
  | { kind: "partially_refunded"; paymentIntentId: string; chargeId: string; amountRefundedCents: number }
  | { kind: "ignored"; why: string };

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : value?.id);

export function toPaymentEvent(event: StripeEventEnvelope): PaymentEvent {
  if (!isHandledStripeEventType(event.type)) return { kind: "ignored", why: `unhandled event type ${event.type}` };
  if (event.type === "charge.refunded") {
    const charge = ChargeFields.parse(event.data.object);
    const paymentIntentId = idOf(charge.payment_intent);
    if (!paymentIntentId) return { kind: "ignored", why: `charge ${charge.id} has no payment intent` };
    // A partial refund (a goodwill credit, one item back) leaves the order confirmed; the amount
    // refunded so far is recorded on it (refunds made in the Stripe Dashboard included).
    if (!charge.refunded) return { kind: "partially_refunded", paymentIntentId, chargeId: charge.id, amountRefundedCents: charge.amount_refunded };
    return { kind: "refunded", paymentIntentId, chargeId: charge.id };
  }
  const fields = CheckoutSessionFields.parse(event.data.object);
  const orderId = fields.client_reference_id || fields.metadata?.orderId;
  if (!orderId) return { kind: "ignored", why: `session ${fields.id} carries no order id` };
  const session: SessionClaim = {
    orderId,
    sessionId: fields.id,
    paymentStatus: fields.payment_status,
    amountTotal: fields.amount_total ?? undefined,
    currency: fields.currency?.toLowerCase() ?? undefined,
    paymentIntentId: idOf(fields.payment_intent),
  };
  switch (event.type) {
    case "checkout.session.completed":
      // Delayed payment methods complete the session before the money arrives.
      return session.paymentStatus === "unpaid" ? { kind: "payment_pending", session } : { kind: "payment_succeeded", session };
    case "checkout.session.async_payment_succeeded":
      return { kind: "payment_succeeded", session };
    case "checkout.session.async_payment_failed":
      return { kind: "payment_failed", session };
    case "checkout.session.expired":
      return { kind: "session_expired", session };
  }
}

/** The order id an event names, for logs and message attributes only: never proof of anything. */
export function orderIdNamedBy(event: StripeEventEnvelope): string | undefined {
  if (!isHandledStripeEventType(event.type) || event.type === "charge.refunded") return undefined;
  const parsed = CheckoutSessionFields.safeParse(event.data.object);
  if (!parsed.success) return undefined;
  return parsed.data.client_reference_id || parsed.data.metadata?.orderId || undefined;
}
