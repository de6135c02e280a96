// The sales counters' consumer: each confirmation or refund from its queue (the bus's envelope)
// adds to its products' per-minute and total counters, once per event id however often it is
// delivered (the marker and the increments are one transaction). Records are applied one after
// another: a flash sale's confirmations all update the same product's counters, and concurrent
// transactions on one item only collide and retry. Failures are per record (partial batch response).
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { parseOrderEventMessage } from "@shopwave/core/order-events/order-event";
import { recordSale } from "@shopwave/core/order-events/sales-counters";
import { countMetric, runInvocation } from "../shared/observability";
import { store } from "../shared/store";

const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord, log: Logger): Promise<void> {
  const event = parseOrderEventMessage(record.body);
  const counted = await recordSale(store, event, new Date());
  log.info(counted ? "sale counted" : "order event not counted (already counted, or not a sale)", {
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
      processInParallel: false,
    });
    if (response.batchItemFailures.length > 0) {
      countMetric("SalesCounterFailures", response.batchItemFailures.length);
      log.warn("some sales were not counted and will be retried", {
        failed: response.batchItemFailures.map((failure) => failure.itemIdentifier),
      });
    }
    return response;
  });
