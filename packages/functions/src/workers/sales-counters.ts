// The sales counters' consumer: each order event from its queue (the bus's envelope) adds to the
// shop's order counts and (a confirmation or refund) to its products' per-minute and total
// counters, once per event id however often it is delivered (the marker and the increments are one
// transaction). Records are applied one after another: a flash sale's events all update the same
// counters, and concurrent transactions on one item only collide and retry. Failures are per record (partial batch response).
import { recordSale } from "@shopwave/core/order-events/sales-counters";
import { store } from "../shared/store";
import { orderEventConsumer } from "./order-event-consumer";

export const handler = orderEventConsumer({
  failureMetric: "SalesCounterFailures",
  failureMessage: "some sales were not counted and will be retried",
  processInParallel: false,
  async handle(event, record, log) {
    const counted = await recordSale(store, event, new Date());
    log.info(counted ? "order event counted" : "order event already counted", {
      orderId: event.orderId,
      eventId: event.id,
      eventType: event.type,
      messageId: record.messageId,
    });
  },
});
