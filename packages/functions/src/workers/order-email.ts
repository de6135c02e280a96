// The order-email queue consumer: for each order event the bus routes here (OrderConfirmed,
// OrderCancelled, OrderRefunded) it emails the shopper once (the receipt, the cancellation with
// its reason, the refund) and appends `email_sent` to the order's timeline. Records succeed or
// fail individually (partial batch response).
//
// Exactly one email per event, under redelivery and concurrency. SES has no idempotency key, so
// the send is claimed first: Powertools idempotency, keyed by the event id (deterministic per
// order transition), writes an IN_PROGRESS record conditionally before anything else and marks it
// COMPLETED, with the SES message id, right after SES accepted the mail.
// - A redelivered or duplicated event finds COMPLETED and sends nothing (the timeline entry is
//   appended again, idempotently, in case the first attempt died before appending it).
// - A concurrent delivery of the same event finds IN_PROGRESS, fails its record and is retried
//   after the visibility timeout, by when the first has completed (then: nothing sent) or died.
// - The claim expires at the invocation's deadline (registerLambdaContext): a consumer killed
//   after claiming leaves a claim that lapses before SQS redelivers (visibility 120 s > timeout),
//   so the retry sends the mail the dead one never sent. Without the expiry it would be lost.
// - The crash window: killed after SES accepted the mail and before the COMPLETED write landed
//   (one DynamoDB write, milliseconds), the claim lapses and the retry sends a second email. This
//   is chosen: the other order (mark sent, then send) loses the mail whenever a crash lands
//   between the two, and a missing receipt is worse than a second one. SES offers no way to ask
//   whether a message was sent, so the window cannot be closed, only kept to that one write.
// - An SES error deletes the claim (Powertools does so when the function throws), so the retry
//   sends; a timeout whose request SES did process falls in the crash window above.
// The link in each mail carries a token of its own (orders/order-link.ts); the rendered mail is
// never logged, and SES click tracking must stay off for these messages (it would put the link,
// fragment included, through a tracking redirect).
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { Resource } from "sst";
import { sendEmail } from "@shopwave/core/email/send-email";
import { renderOrderEmail } from "@shopwave/core/order-events/order-emails";
import { parseOrderEventMessage, type OrderEvent } from "@shopwave/core/order-events/order-event";
import { appendTimelineEntry } from "@shopwave/core/order-events/order-timeline";
import { issueOrderLinkToken, orderPageLink } from "@shopwave/core/orders/order-link";
import { dynamoDbClient } from "../shared/dynamodb";
import { emailSender, sesClient } from "../shared/email";
import { countMetric, runInvocation } from "../shared/observability";
import { settings } from "../shared/settings";
import { store } from "../shared/store";

const processor = new BatchProcessor(EventType.SQS);
const storefrontUrl = settings.storefrontUrl();

/** Which email an event sends, as the timeline names it. */
const emailKind = { OrderConfirmed: "receipt", OrderCancelled: "cancellation", OrderRefunded: "refund" } as const;

const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: "id",
  // Longer than any redelivery: the bus retries for a day, the queue and its DLQ keep messages
  // 14 days each (a redrive from the DLQ must still find the claim).
  expiresAfterSeconds: 30 * 24 * 60 * 60,
});

/**
 * Sends the event's email once per event id; resolves with what was sent (never the link). Only
 * the event is the idempotency payload; `attempt` tells the caller whether this call sent it.
 */
const sendOnce = makeIdempotent(
  async (event: OrderEvent, attempt: { sentNow: boolean }) => {
    const token = await issueOrderLinkToken(store, event.orderId);
    const rendered = renderOrderEmail(event, orderPageLink(storefrontUrl, event.orderId, token));
    if (!rendered) return { sent: false as const };
    const { messageId } = await sendEmail({ ses: sesClient, from: emailSender() }, { to: event.email, ...rendered });
    attempt.sentNow = true;
    return { sent: true as const, messageId, sentAt: new Date().toISOString() };
  },
  {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: Resource.IdempotencyTable.name, awsSdkV3Client: dynamoDbClient }),
    config: idempotencyConfig,
    dataIndexArgument: 0,
  },
);

async function handleRecord(record: SQSRecord, log: Logger, deferred: Set<string>): Promise<void> {
  const event = parseOrderEventMessage(record.body);
  const fields = {
    orderId: event.orderId,
    orderEventId: event.id,
    orderEventType: event.type,
    messageId: record.messageId,
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
  };
  if (event.type === "OrderPlaced") {
    log.info("order event sends no email", fields);
    return;
  }
  const attempt = { sentNow: false };
  let outcome;
  try {
    outcome = await sendOnce(event, attempt);
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) {
      // Another delivery of this event holds the claim: retried after the visibility timeout.
      deferred.add(record.messageId);
      log.info("order email being sent by another delivery: retried later", fields);
    }
    throw error;
  }
  if (!outcome.sent) return;
  // Appended after the send (and again on every redelivery, a no-op once there): the timeline
  // never says "sent" for a mail that was not.
  await appendTimelineEntry(store, {
    orderId: event.orderId,
    entryId: `${event.id}:email_sent`,
    kind: "email_sent",
    at: outcome.sentAt,
    detail: { email: emailKind[event.type] },
  });
  countMetric(attempt.sentNow ? "OrderEmailsSent" : "OrderEmailsDuplicate");
  log.info(attempt.sentNow ? "order email sent" : "order email already sent", { ...fields, email: emailKind[event.type], sesMessageId: outcome.messageId });
}

export const handler = (event: SQSEvent, context: Context) =>
  runInvocation(context, {}, async (log) => {
    // The claim lapses at this invocation's deadline, so a consumer that dies holding it does not
    // hold it for the record's whole lifetime.
    idempotencyConfig.registerLambdaContext(context);
    const deferred = new Set<string>();
    const response = await processPartialResponse(event, (record: SQSRecord) => handleRecord(record, log, deferred), processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    // A duplicate waiting for its twin is not a failure (nothing is wrong); the rest are.
    if (deferred.size > 0) countMetric("OrderEmailsDeferred", deferred.size);
    const failures = response.batchItemFailures.filter((failure) => !deferred.has(failure.itemIdentifier));
    if (failures.length > 0) {
      countMetric("OrderEmailFailures", failures.length);
      log.warn("some order emails failed and will be retried", {
        failed: failures.map((failure) => failure.itemIdentifier),
      });
    }
    return response;
  });
