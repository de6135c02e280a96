// The order-events worker in a process of its own: the Lambda-style poller invoking the worker
// handler, as the local stack runs it in-process. Reliability tests kill this process with
// SIGKILL in the middle of a batch (as Lambda can die), then check that SQS redelivers
// everything and the effects still happen exactly once.
//
// Reads the same env the stack gives its handlers (LocalStack.handlerEnv), plus
// ORDER_EVENTS_QUEUE_ARN; the queue URL comes from SST_RESOURCE_OrderEventsQueue as for the handlers.
import { SQSClient } from "@aws-sdk/client-sqs";
import { Resource } from "sst";
import { createLocalLog } from "../process/log";
import { startOrderEventsPoller } from "./order-events-poller";

const log = createLocalLog("poller");

async function main() {
  const queueArn = process.env.ORDER_EVENTS_QUEUE_ARN;
  if (!queueArn) throw new Error("ORDER_EVENTS_QUEUE_ARN must be set (see LocalStack.queueArns).");
  const poller = await startOrderEventsPoller({
    client: new SQSClient({}),
    queueUrl: Resource.OrderEventsQueue.url,
    queueArn,
    concurrency: Number(process.env.POLLER_CONCURRENCY ?? 1),
  });
  log.info(`worker process ${process.pid} polling ${Resource.OrderEventsQueue.url}`);
  const stop = () => void poller.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
