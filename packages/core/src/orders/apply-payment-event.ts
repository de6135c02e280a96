// Applies what a Stripe event means to the order it names, after binding it to that order.
// Each transition is conditional on the current status, so redelivered, duplicated and
// out-of-order events are harmless no-ops.
//
// - A payment confirms only the order whose own session it is, for the exact amount and
//   currency recorded, when Stripe says paid (payment-binding.ts); anything else is recorded on
//   the order, counted and acknowledged, never retried into a different result.
// - An expiry or async failure releases nothing on its own say-so: the order's OWN session is
//   read back from Stripe and the order settled from that (settle-from-session.ts).
// - A full refund moves a CONFIRMED order to REFUNDED only for the payment it was confirmed with
//   (found through the payment's metadata, since charges carry no order id); a partial one records
//   the amount Stripe has refunded so far on that order (it only grows, so a stale event changes nothing).
import type { Store } from "../shared/store";
import type { CheckoutGateway } from "../payments/checkout-gateway";
import type { PaymentEvent } from "../payments/payment-event";
import { OrderId } from "./order";
import { getOrderRecord, recordProviderRefunds, refundOrder } from "./order-store";
import type { BindingMismatch } from "./payment-binding";
import { bindingMismatches } from "./payment-binding";
import { confirmBoundPayment, recordMismatch, settleFromSession, type SettlementOutcome } from "./settle-from-session";

export type PaymentEventOutcome = SettlementOutcome | "refunded" | "partial_refund_recorded" | "ignored";

export interface PaymentDeps {
  store: Store;
  checkout: CheckoutGateway;
}

export interface AppliedPaymentEvent {
  outcome: PaymentEventOutcome;
  /** The order the event concerned, when known (for a refund, found through the payment). */
  orderId: string | undefined;
  /** Why the event was not bound to its order (outcome payment_mismatch). */
  mismatches?: BindingMismatch[];
  /** The order's own session, when the event named another one (for the log). */
  orderSessionId?: string | undefined;
}

export async function applyPaymentEvent(
  deps: PaymentDeps,
  event: PaymentEvent,
  context: { eventId: string; now?: Date },
): Promise<AppliedPaymentEvent> {
  const now = context.now ?? new Date();
  if (event.kind === "ignored") return { outcome: "ignored", orderId: undefined };
  if (event.kind === "refunded" || event.kind === "partially_refunded") return applyRefund(deps, event, context.eventId, now);

  const claim = event.session;
  const orderId = claim.orderId;
  const order = OrderId.safeParse(orderId).success ? await getOrderRecord(deps.store, orderId) : undefined;
  if (!order) return { outcome: "unknown_order", orderId };

  if (event.kind === "payment_succeeded") {
    const settled = await confirmBoundPayment(deps, order, claim, context.eventId, now);
    return { ...settled, orderId, orderSessionId: order.checkoutSessionId };
  }
  const mismatches = bindingMismatches(order, claim, "session");
  if (mismatches.length > 0) {
    await recordMismatch(deps.store, orderId, claim, context.eventId, mismatches, now);
    return { outcome: "payment_mismatch", orderId, mismatches, orderSessionId: order.checkoutSessionId };
  }
  if (event.kind === "payment_pending") return { outcome: "awaiting_async_payment", orderId };
  // An expiry or failure for an order already settled changes nothing (a payment on a cancelled
  // order is handled by its own success event): no need to ask Stripe again.
  if (order.status !== "PENDING_PAYMENT") {
    return { outcome: order.status === "CANCELLED" ? "duplicate" : "late_cancellation_ignored", orderId };
  }
  const session = await deps.checkout.getSession(order.checkoutSessionId!);
  return { ...(await settleFromSession(deps, order, session, "checkout_session_expired", now)), orderId };
}

/** A refund event that arrived before its payment confirmed the order: to be delivered again. */
export class RefundBeforeConfirmation extends Error {
  override name = "RefundBeforeConfirmation";
  constructor(orderId: string, paymentIntentId: string) {
    super(`Refund of ${paymentIntentId} arrived before order ${orderId} was confirmed with it; retried later.`);
  }
}

async function applyRefund(
  deps: PaymentDeps,
  event: Extract<PaymentEvent, { kind: "refunded" | "partially_refunded" }>,
  eventId: string,
  now: Date,
): Promise<AppliedPaymentEvent> {
  const paymentIntentId = event.paymentIntentId;
  const payment = await deps.checkout.getPayment(paymentIntentId);
  const orderId = payment.orderId;
  const order = OrderId.safeParse(orderId).success ? await getOrderRecord(deps.store, orderId!) : undefined;
  if (!order) return { outcome: "unknown_order", orderId };
  // The refund we issued ourselves for a payment that landed after cancellation.
  if (order.latePaymentRefund?.paymentIntentId === paymentIntentId) return { outcome: "duplicate", orderId };
  // A refund of the order's own payment (Stripe's metadata names it) that overtook the payment's
  // confirmation (its delivery delayed): not a mismatch but too early. Thrown so the queue
  // delivers it again once the confirmation has recorded the payment (or parks it in the DLQ).
  if (order.paymentIntentId === undefined && order.status === "PENDING_PAYMENT" && payment.status === "succeeded") {
    throw new RefundBeforeConfirmation(order.id, paymentIntentId);
  }
  if (order.paymentIntentId !== paymentIntentId) {
    const mismatches: BindingMismatch[] = [{ field: "payment_intent", expected: order.paymentIntentId ?? null, received: paymentIntentId }];
    await recordMismatch(deps.store, order.id, { paymentIntentId }, eventId, mismatches, now);
    return { outcome: "payment_mismatch", orderId, mismatches };
  }
  if (event.kind === "partially_refunded") {
    const recorded = await recordProviderRefunds(deps.store, order.id, paymentIntentId, event.amountRefundedCents);
    return { outcome: recorded ? "partial_refund_recorded" : "duplicate", orderId };
  }
  // Refused only when already REFUNDED: the payment is recorded on confirmation, and a confirmed
  // order can only move on to REFUNDED.
  const outcome = await refundOrder(deps.store, order.id, paymentIntentId, now);
  return { outcome: outcome.changed ? "refunded" : "duplicate", orderId };
}
