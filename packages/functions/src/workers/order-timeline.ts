// The order timeline's consumer: each order event from its queue (the bus's envelope) becomes its
// entries on the order's timeline, once per event id however often it is delivered. Records
// succeed or fail individually (partial batch response); a poison message ends in the DLQ.
import { recordOnTimeline } from "@shopwave/core/order-events/order-timeline";
import { store } from "../shared/store";
import { orderEventConsumer } from "./order-event-consumer";

export const handler = orderEventConsumer({
  failureMetric: "OrderTimelineFailures",
  failureMessage: "some order events were not recorded on the timeline and will be retried",
  async handle(event, record, log) {
    const added = await recordOnTimeline(store, event);
    log.info(added > 0 ? "order event recorded on the timeline" : "order event already on the timeline", {
      orderId: event.orderId,
      eventId: event.id,
      eventType: event.type,
      messageId: record.messageId,
    });
  },
});
