// Child-process entry that runs the local stack for `npm run load` / `npm run bench`: every part on
// a free port, seeded with the catalog, handlers logging JSON as on AWS (to this process's stdout,
// which the parent sends to a file). It reports its addresses to the parent over IPC and stops
// cleanly when asked or when the parent goes away.
import { loadLocalEnv } from "@shopwave/local/stack/local-env";
import { startLocalStack } from "@shopwave/local/stack/local-stack";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { startCdnCache } from "@shopwave/local/aws/cdn-cache";
import { tables } from "@shopwave/infra/topology";
import { installAwsUsageMeter } from "./cost/aws-usage-meter";
import type { StackProcessMessage, StackProcessOptions, StackProcessRequest } from "./stack-process";

const options = JSON.parse(process.env.SHOPWAVE_STACK_PROCESS_OPTIONS ?? "{}") as StackProcessOptions;
const env = loadLocalEnv();
for (const [key, value] of Object.entries(env)) process.env[key] ??= value;
// One JSON line per log record, as Lambda writes them (pretty-printing is a terminal nicety).
process.env.POWERTOOLS_DEV = "false";
// The stack's own per-request lines stand for what AWS services log outside the function (API
// Gateway access logs, for one); they cost this process CPU that Lambda would not spend. Errors
// still print. The handlers' own logs stay on, as they run on AWS.
process.env.SHOPWAVE_LOCAL_LOG ??= "silent";
const send = (message: StackProcessMessage) => process.send?.(message);

const stack = await startLocalStack({
  ports: { api: 0, stripe: 0, dynamodb: 0, sqs: 0, ses: 0, events: 0 },
  stripeSecretKey: env.STRIPE_SECRET_KEY ?? "sk_test_shopwave_local_simulator",
  stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET ?? "whsec_shopwave_local_simulator_secret",
  storefrontUrl: env.STOREFRONT_URL || "http://localhost:3000",
  seed: seedProducts,
  ...(options.pollerConcurrency === undefined ? {} : { pollerConcurrency: options.pollerConcurrency }),
  ...(options.handlerEnv ? { handlerEnv: options.handlerEnv } : {}),
  ...(options.trustForwardedFor ? { trustForwardedFor: true } : {}),
  ...(options.partitionWriteLimit ? { partitionWriteLimit: options.partitionWriteLimit } : {}),
}).catch((error: unknown) => {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});

// What the run would be billed for on AWS (cost/aws-usage-meter.ts), and the CDN in front of the
// catalog routes (the stage's CloudFront cache policy), which the shoppers' catalog reads go through.
// The meter is off when asked (`npm run load -- --no-meter`): its item reads cost this process time.
const meter =
  options.meter === false
    ? null
    : installAwsUsageMeter({
        dynamodbEndpoint: stack.urls.dynamodb,
        tables: Object.fromEntries(Object.entries(tables).map(([key, declaration]) => [stack.tableNames[key as keyof typeof tables], declaration])),
      });
const cdn = await startCdnCache({ origin: stack.urls.api });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await cdn.stop();
  await stack.stop();
  process.exit(0);
}
process.on("message", (message: "stop" | StackProcessRequest) => {
  if (message === "stop") return void stop();
  if (message.type === "usage") {
    if (message.reset) meter?.reset();
    send({ type: "usage", usage: meter ? meter.snapshot() : null, cdn: { ...cdn.counts } });
  }
});
process.on("disconnect", () => void stop());
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

send({ type: "ready", urls: stack.urls, catalogUrl: cdn.url, tableNames: stack.tableNames, queueUrls: stack.queueUrls, eventQueueUrls: stack.eventQueueUrls, handlerEnv: stack.handlerEnv });
