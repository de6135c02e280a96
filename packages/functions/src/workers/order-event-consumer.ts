// What every consumer of the order events bus shares: an SQS batch of EventBridge envelopes,
// each parsed into an `OrderEvent` and handled on its own (a Powertools partial batch response,
// so one bad record is retried and finally parked in the consumer's DLQ without holding back the
// others), the failures counted under the consumer's own metric. Consumers are idempotent per
// event id themselves; this only drives them.
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { parseOrderEventMessage, type OrderEvent } from "@shopwave/core/order-events/order-event";
import { countMetric, runInvocation } from "../shared/observability";

export interface OrderEventConsumer {
  /** The metric counting records that failed (and will be retried). */
  failureMetric: string;
  /** The warning logged when some records of a batch failed. */
  failureMessage: string;
  /** false: records one after another (e.g. when they all update the same items). */
  processInParallel?: boolean;
  handle(event: OrderEvent, record: SQSRecord, log: Logger): Promise<void>;
}

export function orderEventConsumer(consumer: OrderEventConsumer) {
  const processor = new BatchProcessor(EventType.SQS);
  return (event: SQSEvent, context: Context) =>
    runInvocation(context, {}, async (log) => {
      const response = await processPartialResponse(
        event,
        (record: SQSRecord) => consumer.handle(parseOrderEventMessage(record.body), record, log),
        processor,
        { context, throwOnFullBatchFailure: false, processInParallel: consumer.processInParallel ?? true },
      );
      if (response.batchItemFailures.length > 0) {
        countMetric(consumer.failureMetric, response.batchItemFailures.length);
        log.warn(consumer.failureMessage, { failed: response.batchItemFailures.map((failure) => failure.itemIdentifier) });
      }
      return response;
    });
}
