// The order timeline's consumer: each order event from its queue (the bus's envelope) becomes its
// entries on the order's timeline, once per event id however often it is delivered. Records
// succeed or fail individually (partial batch response); a poison message ends in the DLQ.
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { parseOrderEventMessage } from "@shopwave/core/order-events/order-event";
import { recordOnTimeline } from "@shopwave/core/order-events/order-timeline";
import { countMetric, runInvocation } from "../shared/observability";
import { store } from "../shared/store";

const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord, log: Logger): Promise<void> {
  const event = parseOrderEventMessage(record.body);
  const added = await recordOnTimeline(store, event);
  log.info(added > 0 ? "order event recorded on the timeline" : "order event already on the timeline", {
    orderId: event.orderId,
    eventId: event.id,
    eventType: event.type,
    messageId: record.messageId,
  });
}

export const handler = (event: SQSEvent, context: Context) =>
  runInvocation(context, {}, async (log) => {
    const response = await processPartialResponse(event, (record: SQSRecord) => handleRecord(record, log), processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    if (response.batchItemFailures.length > 0) {
      countMetric("OrderTimelineFailures", response.batchItemFailures.length);
      log.warn("some order events were not recorded on the timeline and will be retried", {
        failed: response.batchItemFailures.map((failure) => failure.itemIdentifier),
      });
    }
    return response;
  });
