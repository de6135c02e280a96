// Queue helpers for suites that watch the order-events queue directly: its depth, draining it,
// waiting until everything sent has been processed (the barrier before a "nothing changed"
// check), running the worker behind a Lambda-style poller for the length of a check, and
// handing the worker messages directly.
import { randomUUID } from "node:crypto";
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { eventConsumers, queues } from "@shopwave/infra/topology";
import { loadHandler } from "@shopwave/local/aws/handler-loader";
import { createLambdaContext, functionNameFor } from "@shopwave/local/aws/lambda-context";
import type { EventConsumerName } from "@shopwave/local/stack/event-consumer-pollers";
import { startOrderEventsPoller } from "@shopwave/local/stack/order-events-poller";
import { toRecord } from "@shopwave/local/aws/queue-poller";
import { waitFor } from "./api-client";
import type { TestStack } from "./test-stack";

/** Visible plus in-flight messages. */
export async function queueDepth(t: TestStack, queueUrl = t.stack.queueUrls.orderEvents): Promise<number> {
  const { Attributes } = await t.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Takes every visible message off the queue (received and deleted), so later depth checks start from zero. */
export async function drainQueue(t: TestStack, queueUrl = t.stack.queueUrls.orderEvents): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const received = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }));
    if (!received.Messages?.length) return messages;
    messages.push(...received.Messages);
    await t.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: received.Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
}

/** Runs the order-events worker behind a Lambda-style poller while `during` runs. */
export async function withPoller(t: TestStack, during: () => Promise<void>, concurrency = 3): Promise<void> {
  const poller = await startOrderEventsPoller({
    client: t.sqs,
    queueUrl: t.stack.queueUrls.orderEvents,
    queueArn: t.stack.queueArns.orderEvents,
    concurrency,
    batchWindowSeconds: 0,
  });
  try {
    await during();
  } finally {
    await poller.stop();
  }
}

/**
 * Resolves once the queue holds nothing, visible or in flight: every message sent before the call
 * has been processed and deleted (a poller deletes only after its invocation returned). Needs a
 * poller running (the stack's own, or withPoller).
 */
export async function untilQueueDrained(t: TestStack, queueUrl = t.stack.queueUrls.orderEvents, timeoutMs = 30_000): Promise<void> {
  await waitFor("the order-events queue drained", async () => ((await queueDepth(t, queueUrl)) === 0 ? true : undefined), timeoutMs);
}

/**
 * The barrier before asserting that an event changed nothing: every webhook the Stripe simulator
 * sent has been answered (so enqueued, or refused), and the worker has finished with all of it.
 */
export async function untilEventsProcessed(t: TestStack): Promise<void> {
  await t.stack.stripe?.whenDeliveriesSettled();
  await untilQueueDrained(t);
}

/**
 * The barrier before asserting on what the order events' consumers did: every webhook answered,
 * the worker done, every order change published to the bus, and every running consumer's queue
 * drained (each event delivered and handled).
 */
export async function untilOrderEventsConsumed(t: TestStack, consumers: readonly EventConsumerName[] = Object.keys(eventConsumers) as EventConsumerName[]): Promise<void> {
  await untilEventsProcessed(t);
  await t.stack.orderEvents.whenPublished(60_000);
  for (const name of consumers) await untilQueueDrained(t, t.stack.eventQueueUrls[name].queue);
}

/**
 * Invokes the order-events worker in this process with one batch holding the given message
 * bodies, as Lambda would after SQS delivered them (each a record of its own): for re-running
 * the worker on the same event, side by side, without the webhook's dedupe in the way.
 */
export async function invokeWorker(t: TestStack, bodies: readonly string[]): Promise<SQSBatchResponse | void> {
  const consumer = queues.orderEvents.consumer;
  const worker = await loadHandler<(event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>>(consumer.handler);
  const records = bodies.map((body) =>
    toRecord(
      {
        MessageId: randomUUID(),
        ReceiptHandle: randomUUID(),
        Body: body,
        Attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(Date.now()), SenderId: "test", ApproximateFirstReceiveTimestamp: String(Date.now()) },
      },
      t.stack.queueArns.orderEvents,
      "us-east-1",
    ),
  );
  return worker(
    { Records: records },
    createLambdaContext({ functionName: functionNameFor(consumer.handler), timeoutSeconds: consumer.timeoutSeconds, memoryMb: consumer.memoryMb }),
  );
}
