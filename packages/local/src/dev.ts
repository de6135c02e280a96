// `npm run dev`: starts the whole local stack with readable progress, prints where everything
// is and how to place an order, and shuts it all down cleanly on Ctrl-C.
import { styleText } from "node:util";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { reservationMinutesFrom } from "@shopwave/core/orders/create-order";
import { installDevConsole } from "./dev-console";
import { loadLocalEnv, portFrom } from "./local-env";
import { startLocalStack } from "./local-stack";
import { createLocalLog } from "./log";
import { seedProducts } from "./seed-catalog";
import { startStorefrontPlaceholder } from "./storefront-placeholder";

const log = createLocalLog("dev");

async function main() {
  const started = Date.now();
  const env = loadLocalEnv();
  // Handlers inherit the process env; set the documented defaults before any of them loads.
  for (const [key, value] of Object.entries(env)) process.env[key] ??= value;
  // Handlers log one JSON object per line and emit EMF metrics, as on AWS; the dev console
  // renders them compactly (SHOPWAVE_LOG_FORMAT=json shows the raw lines).
  process.env.POWERTOOLS_DEV = "false";
  process.env.POWERTOOLS_METRICS_DISABLED ??= "false";
  const storefrontUrl = env.STOREFRONT_URL || `http://localhost:${portFrom(env, "WEB_PORT", 3000)}`;
  const stripeSecretKey = env.STRIPE_SECRET_KEY;
  const stripeWebhookSecret = env.STRIPE_WEBHOOK_SECRET;
  if (!stripeSecretKey || !stripeWebhookSecret) {
    throw new Error("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set (see .env.example).");
  }
  const useRealStripe = env.STRIPE_API_BASE_URL === "";

  log.info("starting Shopwave's local stack…");
  const stack = await startLocalStack({
    ports: {
      api: portFrom(env, "API_PORT", 3001),
      stripe: portFrom(env, "STRIPE_SIMULATOR_PORT", 12111),
      dynamodb: portFrom(env, "DYNAMODB_PORT", 8000),
      sqs: portFrom(env, "SQS_PORT", 9324),
    },
    stripeSecretKey,
    stripeWebhookSecret,
    storefrontUrl,
    ...(useRealStripe ? { stripeApiBaseUrl: null } : {}),
    reservationMinutes: reservationMinutesFrom(env.ORDER_RESERVATION_MINUTES),
    seed: seedProducts,
    onProgress: (step, ms) => log.info(`✓ ${step} ${styleText("gray", `(${ms} ms)`)}`),
  });
  const web = await startStorefrontPlaceholder({ host: "127.0.0.1", port: portFrom(env, "WEB_PORT", 3000), apiUrl: stack.urls.api });

  const sqs = new SQSClient({ endpoint: stack.urls.sqs, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const devConsole =
    env.SHOPWAVE_LOG_FORMAT === "json"
      ? undefined
      : installDevConsole({
          dlqDepth: async () => {
            const { Attributes } = await sqs.send(
              new GetQueueAttributesCommand({ QueueUrl: stack.queueUrls.orderEventsDlq, AttributeNames: ["ApproximateNumberOfMessages"] }),
            );
            return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
          },
        });

  const readyMs = Date.now() - started;
  const row = (name: string, url: string) => `  ${name.padEnd(18)} ${styleText("cyan", url)}`;
  console.log(
    [
      "",
      styleText("bold", `Shopwave is ready in ${(readyMs / 1000).toFixed(1)} s`),
      row("Storefront", web.url),
      row("API", stack.urls.api),
      row("Stripe simulator", stack.urls.stripe ?? "real Stripe (forward webhooks with `stripe listen`)"),
      row("DynamoDB", stack.urls.dynamodb),
      row("SQS", stack.urls.sqs),
      "",
      "Place an order from a terminal:",
      styleText(
        "gray",
        `  curl -s -X POST ${stack.urls.api}/orders -H 'content-type: application/json' \\\n` +
          `    -d '{"email":"you@example.com","items":[{"productId":"${seedProducts[0]?.id}","quantity":1}]}'`,
      ),
      "then open its checkoutUrl, pay with 4242 4242 4242 4242, and watch",
      styleText("gray", `  curl -s '${stack.urls.api}/orders/<order id>?token=<accessToken>'`),
      "",
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn("forced exit");
      process.exit(130);
    }
    stopping = true;
    log.info(`${signal}: stopping… (Ctrl-C again to force)`);
    await web.stop();
    await stack.stop();
    devConsole?.stop();
    sqs.destroy();
    log.info("stopped cleanly");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
