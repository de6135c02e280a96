// Order events as their consumers receive them: the EventBridge envelope (source, detail-type,
// detail) as the body of an SQS record, the way a rule's SQS target delivers it.
import type { SQSRecord } from "aws-lambda";
import { ORDER_EVENT_SOURCE, orderEventId, type OrderEvent } from "@shopwave/core/order-events/order-event";
import { randomId } from "@shopwave/core/shared/random-id";

let messages = 0;

/** An event of the given type for a fresh order (or `orderId`), with one line of `productId`. */
export function orderEvent<T extends OrderEvent["type"]>(type: T, options: { orderId?: string; productId?: string; quantity?: number; unitPriceCents?: number; occurredAt?: string } = {}): Extract<OrderEvent, { type: T }> {
  const orderId = options.orderId ?? randomId("ord");
  const quantity = options.quantity ?? 1;
  const unitPriceCents = options.unitPriceCents ?? 1500;
  const base = {
    id: orderEventId(orderId, type),
    version: 1 as const,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    orderId,
    email: "shopper@example.com",
    items: [{ productId: options.productId ?? "unit-product", name: "Unit product", unitPriceCents, quantity }],
    totalCents: quantity * unitPriceCents,
    currency: "usd",
  };
  const extra =
    type === "OrderConfirmed"
      ? { paymentIntentId: "pi_unit", checkoutSessionId: "cs_test_unit" }
      : type === "OrderRefunded"
        ? { paymentIntentId: "pi_unit" }
        : type === "OrderCancelled"
          ? { reason: "checkout_session_expired" }
          : {};
  return { ...base, type, ...extra } as Extract<OrderEvent, { type: T }>;
}

/** The bus's envelope around an event, as JSON (what a consumer's SQS message body holds). */
export function envelopeOf(event: OrderEvent): string {
  return JSON.stringify({
    version: "0",
    id: `eb-${++messages}`,
    "detail-type": event.type,
    source: ORDER_EVENT_SOURCE,
    account: "123456789012",
    time: event.occurredAt,
    region: "us-east-1",
    resources: [],
    detail: event,
  });
}

/** An SQS record as Lambda delivers it (any body: an order event envelope, a Stripe event). */
export function sqsRecordOf(body: string, receiveCount = 1): SQSRecord {
  messages++;
  return {
    messageId: `msg-${messages}`,
    receiptHandle: `rh-${messages}`,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.now()), SenderId: "unit", ApproximateFirstReceiveTimestamp: String(Date.now()) },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:consumer",
    awsRegion: "us-east-1",
  };
}
