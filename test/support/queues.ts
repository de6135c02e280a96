// Queue helpers for suites that watch the order-events queue directly: its depth, draining it,
// and running the worker behind a Lambda-style poller for the length of a check.
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { startOrderEventsPoller } from "@shopwave/local/stack/order-events-poller";
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
