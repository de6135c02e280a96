// POST /webhooks/stripe: verifies Stripe's signature over the raw body, then hands the event to
// the order-events queue exactly once per event id and answers 2xx fast. No order work here:
// the worker does it, with retries and a DLQ, off the request path. What is queued is the event
// without its URLs, which can carry secrets such as an order's access token.
//
// Idempotency (Powertools) records the event id before enqueueing and deletes the record if
// enqueueing fails, so a Stripe retry after a failure enqueues again, while a retry after
// success is a no-op. Recording the id first-writer-wins *without* that would lose events.
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { isHandledStripeEventType, orderIdNamedBy, StripeEventEnvelope } from "@shopwave/core/payments/payment-event";
import { Resource } from "sst";
import { httpHandler } from "../http/http-handler";
import { errorResponse, jsonResponse } from "../http/json-response";
import { rawBody } from "../http/request-parsing";
import { dynamoDbClient } from "../shared/dynamodb";
import { countMetric } from "../shared/observability";
import { sqsClient } from "../shared/sqs";
import { stripe } from "../shared/stripe";
import { withoutUrls } from "./without-urls";

/** Far above any Stripe event (a few KB), far below API Gateway's 10 MB. */
const MAX_WEBHOOK_BYTES = 512 * 1024;

/** Stripe's own default: signatures older than five minutes are replays. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: "id",
  // Stripe retries for up to three days; keep the record longer than that.
  expiresAfterSeconds: 7 * 24 * 60 * 60,
});

const enqueueOnce = makeIdempotent(
  async (event: StripeEventEnvelope, messageBody: string, orderId: string | undefined) => {
    const sent = await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: Resource.OrderEventsQueue.url,
        MessageBody: messageBody,
        MessageAttributes: {
          stripeEventType: { DataType: "String", StringValue: event.type },
          ...(orderId ? { orderId: { DataType: "String", StringValue: orderId } } : {}),
        },
      }),
    );
    return { messageId: sent.MessageId };
  },
  {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: Resource.IdempotencyTable.name, awsSdkV3Client: dynamoDbClient }),
    config: idempotencyConfig,
    dataIndexArgument: 0,
  },
);

export const handler = httpHandler("POST /webhooks/stripe", async (request, log, context) => {
  idempotencyConfig.registerLambdaContext(context);
  const signature = request.headers["stripe-signature"];
  if (!signature) {
    countMetric("WebhooksRejected");
    return errorResponse(400, "MISSING_SIGNATURE", "The Stripe-Signature header is required.");
  }
  const payload = rawBody(request);
  // Stripe's events are a few KB; refuse to hash megabytes sent by someone else.
  if (Buffer.byteLength(payload, "utf8") > MAX_WEBHOOK_BYTES) {
    countMetric("WebhooksRejected");
    return errorResponse(413, "PAYLOAD_TOO_LARGE", `The body must be at most ${MAX_WEBHOOK_BYTES} bytes.`);
  }
  let verified: unknown;
  try {
    verified = await stripe.webhooks.constructEventAsync(
      payload,
      signature,
      Resource.StripeWebhookSecret.value,
      SIGNATURE_TOLERANCE_SECONDS,
    );
  } catch {
    countMetric("WebhooksRejected");
    log.warn("webhook signature rejected");
    return errorResponse(400, "INVALID_SIGNATURE", "The Stripe-Signature header does not match the body.");
  }
  const parsed = StripeEventEnvelope.safeParse(verified);
  if (!parsed.success) {
    countMetric("WebhooksRejected");
    return errorResponse(400, "MALFORMED_EVENT", "The body is not a Stripe event.");
  }
  const event = parsed.data;
  // The order the event names, for the logs and the message attribute only: the worker binds it.
  const orderId = orderIdNamedBy(event);
  log.appendKeys({ stripeEventId: event.id, stripeEventType: event.type, ...(orderId ? { orderId } : {}) });
  if (!isHandledStripeEventType(event.type)) {
    log.info("webhook ignored: event type not handled");
    return jsonResponse(200, { received: true, ignored: true });
  }
  try {
    // The event as Stripe sent it, minus its URLs (see without-urls.ts): not the raw payload.
    await enqueueOnce(event, JSON.stringify(withoutUrls(verified)), orderId);
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) {
      // A concurrent delivery of the same event is enqueueing it; Stripe retries this one later.
      return errorResponse(409, "EVENT_IN_PROGRESS", "This event is already being processed.");
    }
    throw error;
  }
  countMetric("WebhooksAccepted");
  log.info("webhook accepted");
  return jsonResponse(200, { received: true });
});
