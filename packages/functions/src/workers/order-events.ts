// The order-events queue consumer: applies each Stripe event to its order. Records succeed or
// fail individually (partial batch response), so one bad message is retried alone and, after
// maxReceiveCount, parked in the DLQ while the rest of the batch completes.
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { applyPaymentEvent, type PaymentEventOutcome } from "@shopwave/core/orders/apply-payment-event";
import { StripeEventEnvelope, toPaymentEvent } from "@shopwave/core/payments/payment-event";
import type { Logger } from "@aws-lambda-powertools/logger";
import { countMetric, runInvocation } from "../shared/observability";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

const processor = new BatchProcessor(EventType.SQS);

const metricByOutcome: Partial<Record<PaymentEventOutcome, string>> = {
  confirmed: "OrdersConfirmed",
  cancelled: "OrdersCancelled",
  duplicate: "PaymentEventsDuplicate",
  paid_after_cancellation_refunded: "PaymentsAfterCancellation",
  session_still_payable: "ReleasesRefusedSessionPayable",
  payment_mismatch: "PaymentEventMismatches",
  refunded: "OrdersRefunded",
};

async function handleRecord(record: SQSRecord, log: Logger): Promise<void> {
  const event = StripeEventEnvelope.parse(JSON.parse(record.body));
  const paymentEvent = toPaymentEvent(event);
  const { outcome, orderId, mismatches, orderSessionId } = await applyPaymentEvent({ store, checkout: checkoutGateway }, paymentEvent, {
    eventId: event.id,
  });
  const fields = {
    orderId,
    stripeEventId: event.id,
    stripeEventType: event.type,
    messageId: record.messageId,
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
    ...(paymentEvent.kind === "ignored" ? { why: paymentEvent.why } : {}),
  };
  const metric = metricByOutcome[outcome];
  if (metric) countMetric(metric);
  if (outcome === "paid_after_cancellation_refunded") {
    log.warn("payment received for a cancelled order: refunded automatically", fields);
  } else if (outcome === "payment_mismatch") {
    // Both ids, so an operator can see which session or payment named which order.
    const claimed = "session" in paymentEvent ? paymentEvent.session : undefined;
    log.error("payment event does not match its order: recorded, not applied", {
      ...fields,
      eventSessionId: claimed?.sessionId,
      orderSessionId,
      eventPaymentIntentId: claimed?.paymentIntentId ?? (paymentEvent.kind === "refunded" || paymentEvent.kind === "partially_refunded" ? paymentEvent.paymentIntentId : undefined),
      mismatches,
    });
  } else {
    log.info(`payment event ${outcome}`, fields);
  }
}

export const handler = (event: SQSEvent, context: Context) =>
  runInvocation(context, {}, async (log) => {
    // A batch whose every record failed is answered like any other (each record handed back for
    // retry) instead of thrown, so its failures are counted and logged too: a lone poison message
    // must show on the OrderEventFailures alarm before it reaches the DLQ.
    const response = await processPartialResponse(event, (record: SQSRecord) => handleRecord(record, log), processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    if (response.batchItemFailures.length > 0) {
      countMetric("OrderEventFailures", response.batchItemFailures.length);
      log.warn("some order events failed and will be retried", {
        failed: response.batchItemFailures.map((failure) => failure.itemIdentifier),
      });
    }
    return response;
  });
