// The order event consumers' Lambda-style pollers, one per consumer queue, configured from the
// topology's declarations (batch size, window, timeout, memory) as the order-events poller is, so
// the consumers run locally the way they are deployed.
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { eventConsumers } from "@shopwave/infra/topology";
import { loadHandler } from "../aws/handler-loader";
import { functionNameFor } from "../aws/lambda-context";
import { startQueuePoller, type QueuePoller } from "../aws/queue-poller";

export type EventConsumerName = keyof typeof eventConsumers;

export async function startEventConsumerPollers(options: {
  client: SQSClient;
  /** Each consumer queue's URL and ARN, by its resource name. */
  queues: Readonly<Record<string, { url: string; arn: string }>>;
  concurrency: number;
  /** Which consumers to run (default: all). */
  consumers?: readonly EventConsumerName[];
  /** Tests pass 0 to skip the batching window's wait. */
  batchWindowSeconds?: number;
}): Promise<Partial<Record<EventConsumerName, QueuePoller>>> {
  const names = options.consumers ?? (Object.keys(eventConsumers) as EventConsumerName[]);
  const pollers = await Promise.all(
    names.map(async (name) => {
      const declaration = eventConsumers[name];
      const queue = options.queues[declaration.resource];
      if (!queue) throw new Error(`The ${declaration.resource} queue was not created.`);
      const consumer = declaration.consumer;
      const handler = await loadHandler<(event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>>(consumer.handler);
      const poller = startQueuePoller({
        client: options.client,
        queueUrl: queue.url,
        queueArn: queue.arn,
        handler,
        batchSize: consumer.batchSize,
        batchWindowSeconds: options.batchWindowSeconds ?? consumer.batchWindowSeconds,
        functionName: functionNameFor(consumer.handler),
        timeoutSeconds: consumer.timeoutSeconds,
        memoryMb: consumer.memoryMb,
        concurrency: options.concurrency,
      });
      return [name, poller] as const;
    }),
  );
  return Object.fromEntries(pollers) as Partial<Record<EventConsumerName, QueuePoller>>;
}
