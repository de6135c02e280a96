// The alarms an operator gets, as plain data: what each watches, when it fires, and the runbook
// section (docs/operations.md) that says what to do. infra/aws/alarms.ts turns them into CloudWatch
// alarms; a test checks every one has its runbook section, so the two cannot drift.
import { eventConsumers, observability, streams } from "./topology";

export type AlarmMetric =
  /** One of our own EMF metrics (namespace Shopwave, dimension service=shopwave). */
  | { readonly kind: "app"; readonly name: string }
  /** An SQS metric of a queue declared in the topology (its logical resource name). */
  | { readonly kind: "queue"; readonly queue: string; readonly name: "ApproximateNumberOfMessagesVisible" | "ApproximateAgeOfOldestMessage" }
  /** An API Gateway metric of the HTTP API. */
  | { readonly kind: "api"; readonly name: "5xx" | "4xx" }
  /** A Lambda metric summed over every Shopwave function. */
  | { readonly kind: "functions"; readonly name: "Errors" | "Throttles" }
  /** A Lambda metric of a stream consumer declared in the topology (`streams`, by key). */
  | { readonly kind: "stream"; readonly stream: keyof typeof streams; readonly name: "IteratorAge" }
  /** The account's SES sending reputation in the stage's region (SES publishes it without dimensions). */
  | { readonly kind: "ses"; readonly name: "Reputation.BounceRate" | "Reputation.ComplaintRate" };

export interface AlarmDeclaration {
  readonly name: string;
  readonly metric: AlarmMetric;
  readonly statistic: "Sum" | "Maximum";
  /** Fires when the statistic over one period is at or above this. */
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** Heading anchor in docs/operations.md. */
  readonly runbook: string;
  readonly summary: string;
}

export const APP_METRICS_NAMESPACE = observability.metricsNamespace;
export const APP_METRICS_SERVICE = observability.serviceName;

/** Every order event consumer's DLQ: an event it failed maxReceiveCount times (or the bus could not deliver). */
const consumerDlqAlarms: AlarmDeclaration[] = Object.values(eventConsumers).map((consumer) => ({
  name: `${consumer.deadLetter.resource}NotEmpty`,
  metric: { kind: "queue", queue: consumer.deadLetter.resource, name: "ApproximateNumberOfMessagesVisible" },
  statistic: "Maximum",
  threshold: 1,
  periodSeconds: 300,
  evaluationPeriods: 1,
  runbook: "order-event-consumer-dlq-not-empty",
  summary: `An order event was parked in ${consumer.deadLetter.resource}: ${consumer.resource}'s consumer did not act on it.`,
}));

export const alarms: readonly AlarmDeclaration[] = [
  ...consumerDlqAlarms,
  {
    name: "OrderEventsPublishFailed",
    metric: { kind: "queue", queue: streams.orderEvents.onFailure.resource, name: "ApproximateNumberOfMessagesVisible" },
    statistic: "Maximum",
    threshold: 1,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "order-events-publish-failed",
    summary: "Order changes exhausted the publisher's retries: their events are not on the bus until replayed from the stream.",
  },
  {
    name: "OrderStreamIteratorAge",
    metric: { kind: "stream", stream: "orderEvents", name: "IteratorAge" },
    statistic: "Maximum",
    // Milliseconds: events more than 5 minutes behind their orders (the stream keeps records 24 h).
    threshold: 5 * 60 * 1000,
    periodSeconds: 300,
    evaluationPeriods: 2,
    runbook: "order-stream-iterator-age",
    summary: "The publisher lags behind the orders stream: emails, timelines and counters are late, and records near 24 h old will be lost.",
  },
  {
    name: "EmailBounceRate",
    metric: { kind: "ses", name: "Reputation.BounceRate" },
    statistic: "Maximum",
    // SES reviews an account at 5 % and may pause sending at 10 %.
    threshold: 0.04,
    periodSeconds: 3600,
    evaluationPeriods: 1,
    runbook: "email-bounces-and-complaints",
    summary: "Too many order emails bounce: SES will put the account under review, then pause sending.",
  },
  {
    name: "EmailComplaintRate",
    metric: { kind: "ses", name: "Reputation.ComplaintRate" },
    statistic: "Maximum",
    // SES reviews an account at 0.1 % and may pause sending at 0.5 %.
    threshold: 0.0008,
    periodSeconds: 3600,
    evaluationPeriods: 1,
    runbook: "email-bounces-and-complaints",
    summary: "Shoppers mark order emails as spam: SES will put the account under review, then pause sending.",
  },
  {
    name: "OrderEventsDlqNotEmpty",
    metric: { kind: "queue", queue: "OrderEventsDlq", name: "ApproximateNumberOfMessagesVisible" },
    statistic: "Maximum",
    threshold: 1,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "order-events-dlq-not-empty",
    summary: "A Stripe event failed maxReceiveCount times and is parked: its order is stuck.",
  },
  {
    name: "PaymentsAfterCancellation",
    metric: { kind: "app", name: "PaymentsAfterCancellation" },
    statistic: "Sum",
    threshold: 1,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "payments-after-cancellation",
    summary: "Money arrived for an order already cancelled and restocked: refunded automatically; find out why it raced.",
  },
  {
    name: "PaymentEventMismatches",
    metric: { kind: "app", name: "PaymentEventMismatches" },
    statistic: "Sum",
    threshold: 1,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "payment-event-mismatches",
    summary: "A signed payment event named an order it does not belong to (session, amount, currency, status or payment): recorded, not applied.",
  },
  {
    name: "OrderEventFailures",
    metric: { kind: "app", name: "OrderEventFailures" },
    statistic: "Sum",
    threshold: 10,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "order-event-failures",
    summary: "The worker keeps failing events (they are retried, then parked in the DLQ).",
  },
  {
    name: "WebhooksRejected",
    metric: { kind: "app", name: "WebhooksRejected" },
    statistic: "Sum",
    threshold: 20,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "webhooks-rejected",
    summary: "Many webhook deliveries fail signature checks: a secret mismatch, or someone forging them.",
  },
  {
    name: "OrdersFailed",
    metric: { kind: "app", name: "OrdersFailed" },
    statistic: "Sum",
    threshold: 5,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "orders-failed",
    summary: "Checkouts fail on our side (Stripe or DynamoDB unavailable, or a bug); shoppers see 503/500.",
  },
  {
    name: "ReleasesRefusedSessionPayable",
    metric: { kind: "app", name: "ReleasesRefusedSessionPayable" },
    statistic: "Sum",
    threshold: 1,
    periodSeconds: 3600,
    evaluationPeriods: 1,
    runbook: "releases-refused-session-payable",
    summary: "An expiry or payment-failure event arrived for an order whose own session Stripe says can still be paid: replayed or forged.",
  },
  {
    name: "SweepFailures",
    metric: { kind: "app", name: "SweepFailures" },
    statistic: "Sum",
    threshold: 1,
    periodSeconds: 900,
    evaluationPeriods: 1,
    runbook: "sweep-failures",
    summary: "The sweeper could not settle some lapsed orders; their stock stays reserved.",
  },
  {
    name: "Api5xx",
    metric: { kind: "api", name: "5xx" },
    statistic: "Sum",
    threshold: 5,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "api-5xx",
    summary: "The API answers 5xx: dependency outage (503) or a bug (500).",
  },
  {
    name: "FunctionThrottles",
    metric: { kind: "functions", name: "Throttles" },
    statistic: "Sum",
    threshold: 1,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "function-throttles",
    summary: "Lambda refused invocations: the account or function concurrency limit was reached.",
  },
];
