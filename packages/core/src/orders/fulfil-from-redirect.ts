// Fulfilment from Checkout's success redirect (Stripe's fulfilment guide: fulfil on the
// webhook AND when the customer lands on success_url, whichever comes first). The shopper's
// browser names the session it came back with; that id is used for one thing only, a check that
// it IS the order's own session, and the provider is then asked about the order's own session
// (never the presented one). The answer goes through the same settlement the worker applies
// (settle-from-session.ts: payment binding, conditional transitions), so the redirect and the
// webhook together have one effect, whichever arrives first.
import { NotFound } from "../shared/domain-error";
import { consumeRateLimit, type RateLimit } from "../shared/rate-limit";
import type { Store } from "../shared/store";
import type { CheckoutGateway } from "../payments/checkout-gateway";
import { opensOrder } from "./access-token";
import { OrderId, toOrderView, type OrderView } from "./order";
import { getOrderRecord } from "./order-store";
import type { BindingMismatch } from "./payment-binding";
import { settleFromSession, type SettlementOutcome } from "./settle-from-session";

export type FulfilmentOutcome =
  | SettlementOutcome
  /** The order had already left PENDING_PAYMENT: nothing to ask the provider. */
  | "already_settled"
  /** The presented session is not the order's own: ignored, the provider is not asked. */
  | "not_own_session";

/**
 * Provider look-ups one order may cause through this path: a shopper reloading the success page
 * needs a handful; a token holder looping on it must not spend the account's Stripe rate limit.
 */
export const fulfilmentRateLimit: RateLimit = { limit: 10, windowSeconds: 60 };

export interface Fulfilment {
  outcome: FulfilmentOutcome;
  order: OrderView;
  mismatches?: BindingMismatch[];
}

export async function fulfilFromRedirect(
  deps: { store: Store; checkout: CheckoutGateway; now?: () => Date },
  input: { orderId: string; accessToken: string; sessionId: string },
): Promise<Fulfilment> {
  if (!OrderId.safeParse(input.orderId).success) throw new NotFound("Order");
  const record = await getOrderRecord(deps.store, input.orderId);
  if (!record || !opensOrder(input.accessToken, record)) throw new NotFound("Order");
  if (record.status !== "PENDING_PAYMENT") return { outcome: "already_settled", order: toOrderView(record) };
  if (!record.checkoutSessionId || input.sessionId !== record.checkoutSessionId) {
    return { outcome: "not_own_session", order: toOrderView(record) };
  }
  const now = deps.now?.() ?? new Date();
  await consumeRateLimit(deps.store, "fulfil", record.id, fulfilmentRateLimit, now);
  const session = await deps.checkout.getSession(record.checkoutSessionId);
  const settled = await settleFromSession(deps, record, session, "checkout_session_expired", now);
  const current = await getOrderRecord(deps.store, record.id);
  return { ...settled, order: toOrderView(current ?? record) };
}
