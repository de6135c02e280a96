// The order-events queue, its dead-letter queue and the worker subscribed to it. The worker
// reports failures per message (`batchItemFailures`), which Lambda honours only when the event
// source mapping has ReportBatchItemFailures; without it one failed message would redeliver the
// whole batch.
import { functionArgs, type Linkables, type SettingValues } from "./functions";
import { queues, type QueueDeclaration } from "../topology";

/** SQS's maximum (14 days): a parked event stays inspectable, and redrivable, for two weeks. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;

export function createOrderEventsQueues() {
  return createQueueWithDeadLetter(queues.orderEvents);
}

/** A declared queue with its DLQ: after maxReceiveCount receives a message moves there. */
export function createQueueWithDeadLetter(declaration: QueueDeclaration) {
  const deadLetter = new sst.aws.Queue(declaration.deadLetter.resource, {
    transform: {
      queue: (args) => {
        args.messageRetentionSeconds = DEAD_LETTER_RETENTION_SECONDS;
      },
    },
  });
  const queue = new sst.aws.Queue(declaration.resource, {
    visibilityTimeout: `${declaration.visibilityTimeoutSeconds} seconds`,
    dlq: { queue: deadLetter.arn, retry: declaration.deadLetter.maxReceiveCount },
  });
  return { queue, deadLetter };
}

export function subscribeOrderEventsWorker(queue: sst.aws.Queue, linkables: Linkables, settings: SettingValues) {
  const consumer = queues.orderEvents.consumer;
  return queue.subscribe(functionArgs(consumer, linkables, settings), {
    batch: {
      size: consumer.batchSize,
      window: `${consumer.batchWindowSeconds} seconds`,
      // Lambda then retries only the records the worker lists in `batchItemFailures`.
      partialResponses: true,
    },
  });
}
