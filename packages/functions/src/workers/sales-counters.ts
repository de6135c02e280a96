// The sales counters' consumer: each confirmation or refund from its queue (the bus's envelope)
// adds to its products' per-minute and total counters, once per event id however often it is
// delivered (the marker and the increments are one transaction). Records are applied one after
// another: a flash sale's confirmations all update the same product's counters, and concurrent
// transactions on one item only collide and retry. Failures are per record (partial batch response).
import { recordSale } from "@shopwave/core/order-events/sales-counters";
import { store } from "../shared/store";
import { orderEventConsumer } from "./order-event-consumer";

export const handler = orderEventConsumer({
  failureMetric: "SalesCounterFailures",
  failureMessage: "some sales were not counted and will be retried",
  processInParallel: false,
  async handle(event, record, log) {
    const counted = await recordSale(store, event, new Date());
    log.info(counted ? "sale counted" : "order event not counted (already counted, or not a sale)", {
      orderId: event.orderId,
      eventId: event.id,
      eventType: event.type,
      messageId: record.messageId,
    });
  },
});
