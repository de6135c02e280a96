// One order event consumer in a process of its own: its Lambda-style poller invoking its handler,
// as the local stack would run it in-process. Reliability tests kill this process with SIGKILL in
// the middle of a batch (as Lambda can die) and check that the consumer's effect still happens
// exactly once (e.g. one email per event).
//
// Reads the env the stack gives its handlers (LocalStack.handlerEnv), plus EVENT_CONSUMER (a key
// of the topology's eventConsumers) and EVENT_CONSUMER_QUEUE_URL / EVENT_CONSUMER_QUEUE_ARN.
import { SQSClient } from "@aws-sdk/client-sqs";
import { eventConsumers } from "@shopwave/infra/topology";
import { createLocalLog } from "../process/log";
import { startEventConsumerPollers, type EventConsumerName } from "./event-consumer-pollers";

const log = createLocalLog("poller");

async function main() {
  const name = process.env.EVENT_CONSUMER as EventConsumerName | undefined;
  const url = process.env.EVENT_CONSUMER_QUEUE_URL;
  const arn = process.env.EVENT_CONSUMER_QUEUE_ARN;
  if (!name || !(name in eventConsumers) || !url || !arn) {
    throw new Error("EVENT_CONSUMER (an eventConsumers key), EVENT_CONSUMER_QUEUE_URL and EVENT_CONSUMER_QUEUE_ARN must be set.");
  }
  const pollers = await startEventConsumerPollers({
    client: new SQSClient({}),
    queues: { [eventConsumers[name].resource]: { url, arn } },
    consumers: [name],
    concurrency: Number(process.env.POLLER_CONCURRENCY ?? 1),
    batchWindowSeconds: 0,
  });
  log.info(`${name} consumer process ${process.pid} polling ${url}`);
  const stop = () => void Promise.all(Object.values(pollers).map((poller) => poller.stop())).then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
