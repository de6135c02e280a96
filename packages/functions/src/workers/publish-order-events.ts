// The transactional outbox's publisher: Lambda's stream event source mapping hands it the orders
// table's changes in stream order; each committed transition becomes its domain event
// (core/order-events) on the bus. Records are published in order, at most 10 per PutEvents; at the
// first record that cannot be derived or published, the rest of the batch is left for the retry:
// its sequence number is the partial batch response, and Lambda resumes from it (events already
// put before it may be put again: consumers dedupe on the event id, which the transition fixes).
import { PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { deriveOrderEvent, type OrderChange } from "@shopwave/core/order-events/derive-order-events";
import { ORDER_EVENT_SOURCE, type OrderEvent } from "@shopwave/core/order-events/order-event";
import { Resource } from "sst";
import { eventBridgeClient } from "../shared/eventbridge";
import { countMetric, runInvocation } from "../shared/observability";

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

interface Pending {
  sequenceNumber: string;
  event: OrderEvent;
}

function imageOf(image: unknown): Record<string, unknown> | undefined {
  // The stream's images are DynamoDB JSON, as the SDK's low-level client speaks it.
  return image ? unmarshall(image as Record<string, AttributeValue>) : undefined;
}

function changeOf(record: DynamoDBRecord): OrderChange | undefined {
  if (!record.eventName) return undefined;
  const oldImage = imageOf(record.dynamodb?.OldImage);
  const newImage = imageOf(record.dynamodb?.NewImage);
  return { eventName: record.eventName, ...(oldImage ? { oldImage } : {}), ...(newImage ? { newImage } : {}) };
}

function entryOf(event: OrderEvent): PutEventsRequestEntry {
  return {
    EventBusName: Resource.OrderEventsBus.name,
    Source: ORDER_EVENT_SOURCE,
    DetailType: event.type,
    Detail: JSON.stringify(event),
    Time: new Date(event.occurredAt),
  };
}

/** Puts the events in order, 10 at a time; the first that was not accepted, or undefined when all were. */
async function publish(pending: readonly Pending[], log: Logger): Promise<Pending | undefined> {
  for (let start = 0; start < pending.length; start += PUT_EVENTS_MAX_ENTRIES) {
    const chunk = pending.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
    try {
      const result = await eventBridgeClient.send(new PutEventsCommand({ Entries: chunk.map(({ event }) => entryOf(event)) }));
      if (!result.FailedEntryCount) {
        countMetric("OrderEventsPublished", chunk.length);
        continue;
      }
      // Entries answer in request order; those without an EventId were not accepted.
      const firstFailed = (result.Entries ?? []).findIndex((entry) => !entry.EventId);
      const failedAt = firstFailed === -1 ? 0 : firstFailed;
      countMetric("OrderEventsPublished", failedAt);
      log.warn("the bus refused some order events: retrying from the first", {
        failedEntryCount: result.FailedEntryCount,
        eventId: chunk[failedAt]!.event.id,
        errorCode: result.Entries?.[failedAt]?.ErrorCode,
        errorMessage: result.Entries?.[failedAt]?.ErrorMessage,
      });
      return chunk[failedAt];
    } catch (error) {
      log.warn("PutEvents failed: retrying the batch from its first unpublished record", { error: error as Error, eventId: chunk[0]!.event.id });
      return chunk[0];
    }
  }
  return undefined;
}

export const handler = (event: DynamoDBStreamEvent, context: Context) =>
  runInvocation(context, {}, async (log): Promise<DynamoDBBatchResponse> => {
    const pending: Pending[] = [];
    // The first record no event can be derived from (a corrupt order): published up to it, retried from it.
    let underivable: string | undefined;
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? "";
      try {
        const change = changeOf(record);
        const derived = change ? deriveOrderEvent(change) : undefined;
        if (derived) pending.push({ sequenceNumber, event: derived });
      } catch (error) {
        log.error("cannot derive an order event from this change: retried, then sent to the failure destination", {
          error: error as Error,
          sequenceNumber,
          orderId: String(record.dynamodb?.Keys?.id?.S ?? ""),
        });
        underivable = sequenceNumber;
        break;
      }
    }
    const unpublished = await publish(pending, log);
    const retryFrom = unpublished?.sequenceNumber ?? underivable;
    if (retryFrom === undefined) return { batchItemFailures: [] };
    countMetric("OrderEventsPublishFailures");
    return { batchItemFailures: [{ itemIdentifier: retryFrom }] };
  });
