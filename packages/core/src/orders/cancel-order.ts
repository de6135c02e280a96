// A shopper abandoning their own pending order (changed cart, changed mind): the stock goes back
// now instead of when the reservation lapses. The Checkout Session is expired first, so it cannot
// be paid after the stock is released; if it was paid in the meantime the payment wins and the
// order is confirmed instead. Only the order's token can do this; a wrong one looks like no order.
import { DomainError, NotFound } from "../shared/domain-error";
import type { Store } from "../shared/store";
import type { CheckoutGateway } from "../payments/checkout-gateway";
import { opensOrder } from "./access-token";
import { settleFromSession } from "./settle-from-session";
import { OrderId, toOrderView, type OrderRecord, type OrderView } from "./order";
import { cancelOrder, getOrderRecord } from "./order-store";

/** The order is past the point where it can be cancelled (paid, or a payment is in flight). */
export class OrderNotCancellable extends DomainError {
  constructor(view: OrderView, why: string) {
    super("ORDER_NOT_CANCELLABLE", `This order cannot be cancelled: ${why}.`, { status: view.status });
  }
}

export async function cancelOrderAsShopper(
  deps: { store: Store; checkout: CheckoutGateway; now?: () => Date },
  orderId: string,
  accessToken: string,
): Promise<OrderView> {
  if (!OrderId.safeParse(orderId).success) throw new NotFound("Order");
  const record = await getOrderRecord(deps.store, orderId);
  if (!record || !opensOrder(accessToken, record)) throw new NotFound("Order");
  return cancelPendingOrder(deps, record, "cancelled_by_shopper");
}

/**
 * The one cancel path, for a shopper and for an operator alike: expire the session, settle from
 * the provider's answer (a payment that got in first wins), release the stock once.
 */
export async function cancelPendingOrder(
  deps: { store: Store; checkout: CheckoutGateway; now?: () => Date },
  record: OrderRecord,
  reason: "cancelled_by_shopper" | "cancelled_by_operator",
): Promise<OrderView> {
  const orderId = record.id;
  const now = deps.now?.() ?? new Date();

  if (record.status === "PENDING_PAYMENT") {
    if (record.checkoutSessionId) {
      const session = await deps.checkout.expireSession(record.checkoutSessionId);
      const { outcome } = await settleFromSession(deps, record, session, reason, now);
      if (outcome === "awaiting_async_payment") throw new OrderNotCancellable(toOrderView(record), "a bank payment for it is being processed");
    } else {
      await cancelOrder(deps.store, orderId, reason, now);
    }
  }
  const current = await getOrderRecord(deps.store, orderId);
  const view = toOrderView(current ?? record);
  // Cancelling a cancelled order is a no-op that reports success; a paid one is refused.
  if (view.status !== "CANCELLED") throw new OrderNotCancellable(view, view.status === "CONFIRMED" ? "it has been paid" : "it was refunded");
  return view;
}
