// The order events pipeline on the local stack, wired from the topology as on AWS: the orders
// table's stream read by a poller acting as Lambda's stream event source mapping (batch size,
// retries, bisect, partial batch responses, the on-failure queue) invoking the publisher; the
// local EventBridge bus with one rule per consumer (the topology's pattern) targeting its queue;
// and a Lambda-style poller per consumer queue.
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { eventBus, eventConsumers, streams } from "@shopwave/infra/topology";
import { latestStreamArn } from "../aws/create-tables";
import { startDynamoDbStreamPoller, type DynamoDbStreamPoller } from "../aws/dynamodb-stream-poller";
import { startLocalEventBus, type LocalEventBus } from "../aws/event-bus/event-bus";
import { loadHandler } from "../aws/handler-loader";
import { functionNameFor } from "../aws/lambda-context";
import type { QueuePoller } from "../aws/queue-poller";
import { startEventConsumerPollers, type EventConsumerName } from "./event-consumer-pollers";

export interface OrderEventsPipeline {
  bus: LocalEventBus;
  /** The bus's name and ARN, as the publisher reads them from `Resource.OrderEventsBus`. */
  busName: string;
  busArn: string;
  /** Where the stream mapping sends the place of records it gave up (the publisher's on-failure destination). */
  publishFailures: { url: string; arn: string };
  /** Present once `startPollers` ran. */
  streamPoller: DynamoDbStreamPoller | null;
  consumerPollers: Partial<Record<EventConsumerName, QueuePoller>>;
  /** Starts the stream poller (publisher) and the consumer pollers; the handlers' env must be set. */
  startPollers(options: { concurrency: number; consumers?: readonly EventConsumerName[] }): Promise<void>;
  /** Resolves once every order change made before the call was published and delivered to the consumers' queues. */
  whenPublished(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startOrderEventsPipeline(options: {
  host: string;
  port: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dynamo: { client: DynamoDBClient; endpoint: string };
  sqs: SQSClient;
  ordersTableName: string;
  /** The consumers' queues (and DLQs) as created, by resource name. */
  queues: Readonly<Record<string, { url: string; arn: string }>>;
  queueName: (resource: string) => string;
  stage: string;
}): Promise<OrderEventsPipeline> {
  const publisher = streams.orderEvents;
  const busName = `shopwave-${options.stage}-${eventBus.resource}`;
  const bus = await startLocalEventBus({
    host: options.host,
    port: options.port,
    region: options.region,
    sqs: options.sqs,
    buses: [
      {
        name: busName,
        rules: Object.values(eventConsumers).map((consumer) => {
          const queue = options.queues[consumer.resource];
          if (!queue) throw new Error(`The ${consumer.resource} queue was not created.`);
          return { name: consumer.rule.resource, eventPattern: consumer.rule.pattern, targets: [{ id: consumer.resource, queueUrl: queue.url }] };
        }),
      },
    ],
  });
  const publishFailures = await createPlainQueue(options.sqs, options.queueName(publisher.onFailure.resource));
  const streamsClient = new DynamoDBStreamsClient({ endpoint: options.dynamo.endpoint, region: options.region, credentials: options.credentials });
  let streamPoller: DynamoDbStreamPoller | null = null;
  let consumerPollers: Partial<Record<EventConsumerName, QueuePoller>> = {};

  return {
    bus,
    busName,
    busArn: `arn:aws:events:${options.region}:000000000000:event-bus/${busName}`,
    publishFailures,
    get streamPoller() {
      return streamPoller;
    },
    get consumerPollers() {
      return consumerPollers;
    },
    async startPollers({ concurrency, consumers }) {
      const handler = await loadHandler<(event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>>(publisher.handler);
      streamPoller = startDynamoDbStreamPoller({
        client: streamsClient,
        streamArn: await latestStreamArn(options.dynamo.client, options.ordersTableName),
        handler,
        functionName: functionNameFor(publisher.handler),
        timeoutSeconds: publisher.timeoutSeconds,
        memoryMb: publisher.memoryMb,
        batchSize: publisher.batchSize,
        batchWindowSeconds: publisher.batchWindowSeconds,
        startingPosition: "TRIM_HORIZON",
        maximumRetryAttempts: publisher.maximumRetryAttempts,
        bisectBatchOnFunctionError: publisher.bisectOnError,
        reportBatchItemFailures: true,
        onFailure: { client: options.sqs, queueUrl: publishFailures.url },
        awsRegion: options.region,
      });
      consumerPollers = await startEventConsumerPollers({ client: options.sqs, queues: options.queues, concurrency, ...(consumers ? { consumers } : {}) });
    },
    async whenPublished(timeoutMs) {
      await streamPoller?.whenIdle(timeoutMs);
      await bus.whenDelivered();
    },
    async stop() {
      await Promise.all(Object.values(consumerPollers).map((poller) => poller?.stop()));
      await streamPoller?.stop();
      await bus.stop();
      streamsClient.destroy();
    },
  };
}

async function createPlainQueue(client: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: name }));
  if (!url) throw new Error(`CreateQueue returned no URL for ${name}`);
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  if (!Attributes?.QueueArn) throw new Error(`GetQueueAttributes returned no QueueArn for ${name}`);
  return { url, arn: Attributes.QueueArn };
}
