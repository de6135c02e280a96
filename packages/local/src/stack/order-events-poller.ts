// The order-events queue's Lambda-style poller, configured from the topology's consumer
// declaration (batch size, batching window, timeout, memory) so every place that runs the worker
// locally (the stack, the standalone worker process, tests) runs it the way it is deployed.
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { queues } from "@shopwave/infra/topology";
import { loadHandler } from "../aws/handler-loader";
import { functionNameFor } from "../aws/lambda-context";
import { startQueuePoller, type QueuePoller } from "../aws/queue-poller";

export async function startOrderEventsPoller(options: {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  concurrency: number;
  /** Tests pass 0 to skip the batching window's wait. */
  batchWindowSeconds?: number;
}): Promise<QueuePoller> {
  const consumer = queues.orderEvents.consumer;
  const worker = await loadHandler<(event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>>(consumer.handler);
  return startQueuePoller({
    client: options.client,
    queueUrl: options.queueUrl,
    queueArn: options.queueArn,
    handler: worker,
    batchSize: consumer.batchSize,
    batchWindowSeconds: options.batchWindowSeconds ?? consumer.batchWindowSeconds,
    functionName: functionNameFor(consumer.handler),
    timeoutSeconds: consumer.timeoutSeconds,
    memoryMb: consumer.memoryMb,
    concurrency: options.concurrency,
  });
}
