// The order's domain events: what the orders table's stream says happened to an order, published
// to the bus and parsed by every consumer. One schema, versioned: a consumer accepts the versions
// it knows and fails loudly (retry, then its DLQ) on one it does not, rather than guessing.
//
// Version policy: adding an optional field keeps `version: 1`. Removing or renaming a field, or
// changing its meaning, is a new version: the publisher then emits the new version and consumers
// learn it before it is deployed (the schema below gains a second member per type), since a
// stream record may be retried after a deployment and consumers see both for a while.
import * as z from "zod";
import { Currency } from "../catalog/product";
import { CancellationReason, OrderId, OrderLine } from "../orders/order";

/** The bus's `source` for every order event; rules match on it together with the detail-type. */
export const ORDER_EVENT_SOURCE = "shopwave.orders";

export const OrderEventType = z.enum(["OrderPlaced", "OrderConfirmed", "OrderCancelled", "OrderRefunded"]);
export type OrderEventType = z.infer<typeof OrderEventType>;

/** What every order event carries: enough for a consumer to act without reading the order. */
const base = {
  /**
   * Deterministic from the transition (`<orderId>:<type>:v<version>`): each transition happens at
   * most once per order, so a replayed stream record yields the same id and consumers dedupe on it.
   */
  id: z.string().min(1),
  version: z.literal(1),
  /** When the transition was written (the order's `createdAt` or `updatedAt` in that write). */
  occurredAt: z.iso.datetime(),
  orderId: OrderId,
  email: z.string(),
  items: z.array(OrderLine).min(1),
  totalCents: z.number().int().nonnegative(),
  currency: Currency,
};

export const OrderPlaced = z.object({ ...base, type: z.literal("OrderPlaced") });
export const OrderConfirmed = z.object({
  ...base,
  type: z.literal("OrderConfirmed"),
  paymentIntentId: z.string().min(1),
  checkoutSessionId: z.string().min(1),
});
export const OrderCancelled = z.object({ ...base, type: z.literal("OrderCancelled"), reason: CancellationReason });
export const OrderRefunded = z.object({ ...base, type: z.literal("OrderRefunded"), paymentIntentId: z.string().min(1) });

export const OrderEvent = z.discriminatedUnion("type", [OrderPlaced, OrderConfirmed, OrderCancelled, OrderRefunded]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderPlaced = z.infer<typeof OrderPlaced>;
export type OrderConfirmed = z.infer<typeof OrderConfirmed>;
export type OrderCancelled = z.infer<typeof OrderCancelled>;
export type OrderRefunded = z.infer<typeof OrderRefunded>;

export function orderEventId(orderId: string, type: OrderEventType, version: OrderEvent["version"] = 1): string {
  return `${orderId}:${type}:v${version}`;
}

/**
 * The EventBridge envelope as a consumer's SQS message body carries it (the bus delivers the
 * whole event to an SQS target). Only the fields consumers read are checked; `detail` must be an
 * order event of a known version.
 */
export const OrderEventEnvelope = z.object({
  id: z.string(),
  source: z.literal(ORDER_EVENT_SOURCE),
  "detail-type": OrderEventType,
  time: z.string().optional(),
  detail: OrderEvent,
});
export type OrderEventEnvelope = z.infer<typeof OrderEventEnvelope>;

/** Parses an SQS message body holding an order event's envelope; throws (so the message is retried, then parked) otherwise. */
export function parseOrderEventMessage(body: string): OrderEvent {
  const envelope = OrderEventEnvelope.parse(JSON.parse(body));
  if (envelope["detail-type"] !== envelope.detail.type) {
    throw new Error(`detail-type ${envelope["detail-type"]} does not match the event's type ${envelope.detail.type}.`);
  }
  return envelope.detail;
}
