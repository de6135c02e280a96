// Derives an order's domain event from one change of the orders table (a stream record's old and
// new images, unmarshalled): the change itself is the outbox, so an event exists exactly when a
// transition was committed, and never for one that was not. Every other write to an order
// (attaching the Checkout Session, recording a mismatched payment or a late refund, TTL or
// operator deletes) yields nothing.
import { OrderRecord, type OrderStatus } from "../orders/order";
import { orderEventId, OrderEvent, type OrderEventType } from "./order-event";

export interface OrderChange {
  readonly eventName: "INSERT" | "MODIFY" | "REMOVE";
  /** The item before the write (absent on INSERT). */
  readonly oldImage?: Record<string, unknown>;
  /** The item after the write (absent on REMOVE). */
  readonly newImage?: Record<string, unknown>;
}

function statusOf(image: Record<string, unknown> | undefined): OrderStatus | undefined {
  const status = image?.status;
  return typeof status === "string" ? (status as OrderStatus) : undefined;
}

function typeOf(change: OrderChange): OrderEventType | undefined {
  const before = statusOf(change.oldImage);
  const after = statusOf(change.newImage);
  if (change.eventName === "INSERT") return after === "PENDING_PAYMENT" ? "OrderPlaced" : undefined;
  if (change.eventName !== "MODIFY" || before === after) return undefined;
  if (before === "PENDING_PAYMENT" && after === "CONFIRMED") return "OrderConfirmed";
  if (before === "PENDING_PAYMENT" && after === "CANCELLED") return "OrderCancelled";
  if (before === "CONFIRMED" && after === "REFUNDED") return "OrderRefunded";
  return undefined;
}

/**
 * The event for this change, or undefined when the change is not a transition. Throws when it is
 * one but the order does not hold what the event must carry (a corrupt item): the publisher then
 * retries and finally parks the record rather than publishing something consumers cannot trust.
 */
export function deriveOrderEvent(change: OrderChange): OrderEvent | undefined {
  const type = typeOf(change);
  if (!type) return undefined;
  const order = OrderRecord.parse(change.newImage);
  const base = {
    id: orderEventId(order.id, type),
    version: 1 as const,
    orderId: order.id,
    email: order.email,
    items: order.items,
    totalCents: order.totalCents,
    currency: order.currency,
  };
  switch (type) {
    case "OrderPlaced":
      return OrderEvent.parse({ ...base, type, occurredAt: order.createdAt });
    case "OrderConfirmed":
      return OrderEvent.parse({
        ...base,
        type,
        occurredAt: order.updatedAt,
        paymentIntentId: order.paymentIntentId,
        checkoutSessionId: order.checkoutSessionId,
      });
    case "OrderCancelled":
      return OrderEvent.parse({ ...base, type, occurredAt: order.updatedAt, reason: order.cancellationReason });
    case "OrderRefunded":
      return OrderEvent.parse({ ...base, type, occurredAt: order.updatedAt, paymentIntentId: order.paymentIntentId });
  }
}
