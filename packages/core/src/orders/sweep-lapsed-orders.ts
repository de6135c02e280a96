// The safety net behind `checkout.session.expired`: finds pending orders whose reservation
// lapsed and settles them from the payment provider's truth. An open session is expired first
// so it cannot be paid after its stock is released; a paid one whose webhook never arrived is
// confirmed. Safe to run concurrently with webhooks: every transition is conditional.
import type { Store } from "../shared/store";
import type { CheckoutGateway } from "../payments/checkout-gateway";
import { applyPaymentEvent, type PaymentEventOutcome } from "./apply-payment-event";
import { cancelOrder, findLapsedPendingOrders } from "./order-store";

export interface SweepResult {
  examined: number;
  outcomes: Partial<Record<PaymentEventOutcome | "left_pending", number>>;
  failures: { orderId: string; error: string }[];
}

export async function sweepLapsedOrders(
  deps: { store: Store; checkout: CheckoutGateway; now?: () => Date },
  options: { graceSeconds: number; limitPerShard: number },
): Promise<SweepResult> {
  const now = deps.now?.() ?? new Date();
  const cutoff = Math.floor(now.getTime() / 1000) - options.graceSeconds;
  const lapsed = await findLapsedPendingOrders(deps.store, cutoff, options.limitPerShard);
  const result: SweepResult = { examined: lapsed.length, outcomes: {}, failures: [] };
  const count = (outcome: PaymentEventOutcome | "left_pending") => {
    result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
  };

  for (const order of lapsed) {
    try {
      if (!order.checkoutSessionId) {
        const outcome = await cancelOrder(deps.store, order.id, "reservation_lapsed", now);
        count(outcome.changed ? "cancelled" : "duplicate");
        continue;
      }
      const session = await deps.checkout.expireSession(order.checkoutSessionId);
      if (session.status === "complete") {
        if (session.paymentStatus === "unpaid") {
          // A delayed payment method is still settling; its async event will decide.
          count("left_pending");
          continue;
        }
        count(
          await applyPaymentEvent(
            deps.store,
            { kind: "payment_succeeded", orderId: order.id, sessionId: session.id, paymentIntentId: session.paymentIntentId },
            now,
          ),
        );
        continue;
      }
      const outcome = await cancelOrder(deps.store, order.id, "reservation_lapsed", now);
      count(outcome.changed ? "cancelled" : "duplicate");
    } catch (error) {
      result.failures.push({ orderId: order.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
