// `npm run dev`: starts the whole local stack and the Next.js storefront (`next dev`) with
// readable progress, prints where everything is and how to place an order, and shuts it all
// down cleanly on Ctrl-C.
import { styleText } from "node:util";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { reservationMinutesFrom } from "@shopwave/core/orders/reservation-window";
import { addressRows, installDevConsole } from "./dev-console";
import { loadLocalEnv, portFrom } from "./local-env";
import { startLocalStack } from "./local-stack";
import { createLocalLog } from "../process/log";
import { seedProducts } from "./seed-catalog";
import { findFreePort } from "../process/free-port";
import { startStorefront } from "./storefront-server";

const log = createLocalLog("dev");
const webLog = createLocalLog("web");

async function main() {
  const started = Date.now();
  const env = loadLocalEnv();
  // Handlers inherit the process env; set the documented defaults before any of them loads.
  for (const [key, value] of Object.entries(env)) process.env[key] ??= value;
  // Handlers log one JSON object per line and emit EMF metrics, as on AWS; the dev console
  // renders them compactly (SHOPWAVE_LOG_FORMAT=json shows the raw lines).
  process.env.POWERTOOLS_DEV = "false";
  process.env.POWERTOOLS_METRICS_DISABLED ??= "false";
  const webPort = portFrom(env, "WEB_PORT", 3000) || (await findFreePort());
  const apiPort = portFrom(env, "API_PORT", 3001);
  const authPort = portFrom(env, "AUTH_PORT", 3002);
  const storefrontUrl = env.STOREFRONT_URL || `http://localhost:${webPort}`;
  const stripeSecretKey = env.STRIPE_SECRET_KEY;
  const stripeWebhookSecret = env.STRIPE_WEBHOOK_SECRET;
  if (!stripeSecretKey || !stripeWebhookSecret) {
    throw new Error("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set (see .env.example).");
  }
  const useRealStripe = env.STRIPE_API_BASE_URL === "";

  log.info("starting Shopwave's local stack and storefront…");
  const stackStarting = startLocalStack({
    ports: {
      api: apiPort,
      stripe: portFrom(env, "STRIPE_SIMULATOR_PORT", 12111),
      dynamodb: portFrom(env, "DYNAMODB_PORT", 8000),
      sqs: portFrom(env, "SQS_PORT", 9324),
      ses: portFrom(env, "SES_PORT", 8005),
      auth: authPort,
      events: portFrom(env, "EVENTS_PORT", 8010),
    },
    ...(env.EMAIL_SENDER ? { emailSender: env.EMAIL_SENDER } : {}),
    ...(env.OPERATOR_EMAILS ? { operatorEmails: env.OPERATOR_EMAILS } : {}),
    stripeSecretKey,
    stripeWebhookSecret,
    storefrontUrl,
    ...(useRealStripe ? { stripeApiBaseUrl: null } : {}),
    reservationMinutes: reservationMinutesFrom(env.ORDER_RESERVATION_MINUTES),
    seed: seedProducts,
    onProgress: (step, ms) => log.info(`✓ ${step} ${styleText("gray", `(${ms} ms)`)}`),
  });
  // The storefront needs only the API's address: with a fixed API port it starts alongside the stack.
  const addresses =
    apiPort && authPort
      ? Promise.resolve({ api: `http://127.0.0.1:${apiPort}`, auth: `http://127.0.0.1:${authPort}` })
      : stackStarting.then((stack) => stack.urls);
  const webStarting = addresses.then(({ api: apiUrl, auth: authUrl }) =>
    startStorefront({
      mode: "dev",
      port: webPort,
      apiUrl,
      authUrl,
      // Next's banner repeats what we print below; its warnings and errors are what matter.
      onOutput: (line) => {
        if (!/^\s*(▲ Next\.js|- Local:|- Network:|- Environments:|✓ Starting|✓ Ready)/.test(line)) webLog.info(line.trim());
      },
    }).then((web) => {
      log.info(`✓ storefront (next dev) listening at ${web.url} ${styleText("gray", `(${Date.now() - started} ms)`)}`);
      return web;
    }),
  );
  const [stackResult, webResult] = await Promise.allSettled([stackStarting, webStarting]);
  if (stackResult.status === "rejected" || webResult.status === "rejected") {
    if (webResult.status === "fulfilled") await webResult.value.stop();
    if (stackResult.status === "fulfilled") await stackResult.value.stop();
    throw stackResult.status === "rejected" ? stackResult.reason : (webResult as PromiseRejectedResult).reason;
  }
  const stack = stackResult.value;
  const web = webResult.value;

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

  let stoppingSince: number | undefined;
  const shutdown = async (signal: string) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C can arrive twice: the terminal signals the whole process group, and tsx relays
      // it again when this process's acknowledgement is slow (a busy machine). Only a later press forces.
      if (Date.now() - stoppingSince < 1_000) return;
      log.warn("forced exit");
      process.exit(130);
    }
    stoppingSince = Date.now();
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

  // next dev compiles a page on its first request: compile the home page before saying "ready",
  // so the first visit is quick and the time printed is the time until it is.
  const warmStarted = Date.now();
  await fetch(web.url, { signal: AbortSignal.timeout(120_000) })
    .then(async (response) => {
      await response.body?.cancel();
      log.info(`✓ home page compiled ${styleText("gray", `(${Date.now() - warmStarted} ms)`)}`);
    })
    .catch((error: unknown) => log.warn(`the home page did not compile in time: ${String(error)}`));
  const readyMs = Date.now() - started;
  console.log(
    [
      "",
      styleText("bold", `Shopwave is ready in ${(readyMs / 1000).toFixed(1)} s`),
      ...addressRows({ storefront: web.url, ...stack.urls }),
      "",
      `Open ${styleText("cyan", web.url)} and buy something with the test card 4242 4242 4242 4242.`,
      "",
      "Or place an order from a terminal:",
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
}

main().catch((error: unknown) => {
  log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
