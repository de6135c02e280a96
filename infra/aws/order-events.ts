// The order events pipeline of infra/topology.ts: the orders table's stream → the publisher
// (Lambda's stream event source mapping: partial batch responses, bisect on error, bounded retries,
// an on-failure destination) → the stage's EventBridge bus → one rule per consumer → its SQS queue
// (with a DLQ) → its function (partial batch responses). The rules' SQS targets are allowed in by a
// queue policy naming that rule alone (aws:SourceArn), not by any EventBridge rule of any account.
import { functionArgs, type Linkables, type SettingValues } from "./functions";
import { createQueueWithDeadLetter, DEAD_LETTER_RETENTION_SECONDS } from "./queues";
import { eventBus, eventConsumers, streams } from "../topology";

export function createOrderEventsBus(): { bus: sst.aws.Bus; publishFailures: sst.aws.Queue } {
  const bus = new sst.aws.Bus(eventBus.resource);
  // What the stream mapping sends here is where the unpublished records are in the stream (shard,
  // sequence numbers), kept as long as SQS can: the runbook replays them from the stream.
  const publishFailures = new sst.aws.Queue(streams.orderEvents.onFailure.resource, {
    transform: {
      queue: (args) => {
        args.messageRetentionSeconds = DEAD_LETTER_RETENTION_SECONDS;
      },
    },
  });
  return { bus, publishFailures };
}

/** The publisher, subscribed to the orders table's stream. */
export function subscribeOrderEventsPublisher(ordersTable: sst.aws.Dynamo, publishFailures: sst.aws.Queue, linkables: Linkables, settings: SettingValues) {
  const declaration = streams.orderEvents;
  const args = functionArgs(declaration, linkables, settings);
  // The on-failure destination is written with the function's own role: it may send there, and only there.
  args.permissions = [{ actions: ["sqs:SendMessage"], resources: [publishFailures.arn] }];
  return ordersTable.subscribe("OrderEventsPublisher", args, {
    transform: {
      eventSourceMapping: (mapping) => {
        // From the oldest record still in the stream: no transition between enabling the stream and
        // creating the mapping goes unpublished.
        mapping.startingPosition = "TRIM_HORIZON";
        mapping.batchSize = declaration.batchSize;
        mapping.maximumBatchingWindowInSeconds = declaration.batchWindowSeconds;
        mapping.maximumRetryAttempts = declaration.maximumRetryAttempts;
        mapping.bisectBatchOnFunctionError = declaration.bisectOnError;
        // The publisher names the records it could not publish; Lambda retries from the first of them.
        mapping.functionResponseTypes = ["ReportBatchItemFailures"];
        // Built from the resolved ARN: an Output nested in the plain object broke the production
        // stage's program run (seen under the Pulumi mocks).
        mapping.destinationConfig = publishFailures.arn.apply((destinationArn) => ({ onFailure: { destinationArn } }));
      },
    },
  });
}

/**
 * Each consumer's queue and DLQ, created before the functions that link them (the console's
 * dead-letter and sale-view routes); `subscribeOrderEventConsumers` wires them to the bus.
 */
export function createOrderEventConsumerQueues() {
  return Object.values(eventConsumers).map((declaration) => ({ declaration, ...createQueueWithDeadLetter(declaration) }));
}

export type OrderEventConsumerQueues = ReturnType<typeof createOrderEventConsumerQueues>;

/** For each consumer's queues: the rule routing its events there, and its function. */
export function subscribeOrderEventConsumers(bus: sst.aws.Bus, consumerQueues: OrderEventConsumerQueues, linkables: Linkables, settings: SettingValues) {
  return consumerQueues.map(({ declaration, queue, deadLetter }) => {
    const rule = new aws.cloudwatch.EventRule(declaration.rule.resource, {
      eventBusName: bus.name,
      description: `Order events for ${declaration.resource}`,
      eventPattern: JSON.stringify(declaration.rule.pattern),
    });
    new aws.cloudwatch.EventTarget(`${declaration.rule.resource}Target`, {
      eventBusName: bus.name,
      rule: rule.name,
      arn: queue.arn,
      // EventBridge retries a failed delivery for up to a day; what it still cannot deliver is
      // kept in the consumer's DLQ rather than dropped.
      deadLetterConfig: { arn: deadLetter.arn },
      retryPolicy: { maximumEventAgeInSeconds: 24 * 60 * 60, maximumRetryAttempts: 185 },
    });
    const sendFromRule = (queueArn: $util.Output<string>) =>
      aws.iam.getPolicyDocumentOutput({
        statements: [
          {
            actions: ["sqs:SendMessage"],
            resources: [queueArn],
            principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
            conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [rule.arn] }],
          },
        ],
      }).json;
    new aws.sqs.QueuePolicy(`${declaration.rule.resource}QueuePolicy`, { queueUrl: queue.url, policy: sendFromRule(queue.arn) });
    new aws.sqs.QueuePolicy(`${declaration.rule.resource}DlqPolicy`, { queueUrl: deadLetter.url, policy: sendFromRule(deadLetter.arn) });
    const consumer = declaration.consumer;
    const subscription = queue.subscribe(functionArgs(consumer, linkables, settings), {
      batch: { size: consumer.batchSize, window: `${consumer.batchWindowSeconds} seconds`, partialResponses: true },
    });
    return { declaration, queue, deadLetter, rule, subscription };
  });
}
