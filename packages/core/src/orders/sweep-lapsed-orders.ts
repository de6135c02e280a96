// The safety net behind `checkout.session.expired`: finds pending orders whose reservation
// lapsed and settles them from the payment provider's truth. An open session is expired first
// so it cannot be paid after its stock is released; a paid one whose webhook never arrived is
// confirmed. Safe to run concurrently with webhooks: every transition is conditional.
import type { Store } from "../shared/store";
import type { CheckoutGateway } from "../payments/checkout-gateway";
import { settleFromSession, type SettlementOutcome } from "./settle-from-session";
import { cancelOrder, findLapsedPendingOrders } from "./order-store";

export interface SweepResult {
  examined: number;
  outcomes: Partial<Record<SettlementOutcome | "left_pending", number>>;
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
  const count = (outcome: SettlementOutcome | "left_pending") => {
    result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
  };

  for (const order of lapsed) {
    try {
      if (!order.checkoutSessionId) {
        // Creating the session failed after the reservation: nobody can pay this order.
        const outcome = await cancelOrder(deps.store, order.id, "reservation_lapsed", now);
        count(outcome.changed ? "cancelled" : "duplicate");
        continue;
      }
      // Expire first, so the session cannot be paid after its stock is released; a session
      // that was paid (its webhook lost or late) comes back complete and confirms instead.
      const session = await deps.checkout.expireSession(order.checkoutSessionId);
      const { outcome } = await settleFromSession(deps, order, session, "reservation_lapsed", now);
      count(outcome === "awaiting_async_payment" || outcome === "session_still_payable" ? "left_pending" : outcome);
    } catch (error) {
      result.failures.push({ orderId: order.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
