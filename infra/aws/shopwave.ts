// Shopwave's AWS program, run by sst.config.ts: every resource, built from infra/topology.ts.
// Storage, secrets, the queues (the worker's and each order event consumer's, with their DLQs) and
// the order events bus first (they are what functions link to), then the storefront's router (its
// URL is the API's CORS origin and Checkout's return address), the API, the worker, the sweeper,
// the order events publisher, the consumers' rules and functions, the alarms over them, and finally
// the storefront, built with the API's URL.
import { createAlarms } from "./alarms";
import { createApi } from "./api";
import { createAuth } from "./auth";
import { createCrons } from "./cron";
import { createEmail } from "./email";
import type { Linkables, SettingValues } from "./functions";
import { scopeLinkPermissions, trustLambdaOnly } from "./permissions";
import { createOrderEventConsumerQueues, createOrderEventsBus, subscribeOrderEventConsumers, subscribeOrderEventsPublisher } from "./order-events";
import { createOrderEventsQueues, subscribeOrderEventsWorker } from "./queues";
import { createSecrets } from "./secrets";
import { stageRules } from "../stage";
import { createTables } from "./storage";
import { createStorefront, createStorefrontRouter, routeCatalogThroughRouter } from "./web";
import { catalogCaching, email, eventBus, orderHoldDefaults, queues, storefront, streams, tables } from "../topology";

/** Orders per client IP and window on a deployed stage unless ORDER_RATE_LIMIT says otherwise. */
export const DEFAULT_ORDER_RATE_LIMIT = "10/60s";

export function shopwave() {
  const rules = stageRules($app.stage, process.env);
  scopeLinkPermissions();
  trustLambdaOnly();

  const { queue, deadLetter } = createOrderEventsQueues();
  const storage = createTables({ production: rules.production });
  const { bus, publishFailures } = createOrderEventsBus();
  const consumerQueues = createOrderEventConsumerQueues();
  const linkables: Linkables = {
    ...storage,
    ...createSecrets(),
    [queues.orderEvents.resource]: queue,
    [eventBus.resource]: bus,
    [email.resource]: createEmail(),
    // The console's dead-letter and sale-view routes link every DLQ and source queue (their URLs;
    // the SQS actions per route are in the topology).
    [queues.orderEvents.deadLetter.resource]: deadLetter,
    ...Object.fromEntries(consumerQueues.flatMap((c) => [[c.declaration.resource, c.queue], [c.declaration.deadLetter.resource, c.deadLetter]])),
  };

  const router = $dev ? undefined : createStorefrontRouter();
  const storefrontUrl = router ? router.url : storefront.devUrl;
  const settings: { -readonly [K in keyof SettingValues]: SettingValues[K] } = {
    STOREFRONT_URL: storefrontUrl,
    // Optional deploy-time overrides (e.g. in .env.<stage>); the handlers' defaults apply otherwise.
    ...deployTimeSetting("ORDER_RESERVATION_MINUTES"),
    // On by default in the cloud (the rate limit and the per-client holds are off locally, where
    // every client is 127.0.0.1, so load tests measure the system).
    ORDER_RATE_LIMIT: process.env.ORDER_RATE_LIMIT?.trim() || DEFAULT_ORDER_RATE_LIMIT,
    ORDER_HOLDS_PER_EMAIL: process.env.ORDER_HOLDS_PER_EMAIL?.trim() || orderHoldDefaults.ORDER_HOLDS_PER_EMAIL,
    ORDER_HOLDS_PER_CLIENT: process.env.ORDER_HOLDS_PER_CLIENT?.trim() || orderHoldDefaults.ORDER_HOLDS_PER_CLIENT,
    ...deployTimeSetting("SWEEP_GRACE_SECONDS"),
    // The stage's operator allowlist (comma-separated emails): their tokens carry the "operator" role.
    OPERATOR_EMAILS: process.env.OPERATOR_EMAILS?.trim() ?? "",
  };
  // The sign-in issuer first: the API verifies its tokens against its URL (the token's `iss`).
  const authIssuer = createAuth(linkables, settings, { production: rules.production });
  settings.AUTH_ISSUER_URL = authIssuer.url;

  const { api, functionNames: routeFunctions } = createApi({ linkables, settings, storefrontOrigin: storefrontUrl });
  const worker = subscribeOrderEventsWorker(queue, linkables, settings);
  const crons = createCrons(linkables, settings);
  const ordersTable = storage[tables.orders.resource];
  if (!ordersTable) throw new Error("The orders table was not created.");
  const publisher = subscribeOrderEventsPublisher(ordersTable, publishFailures, linkables, settings);
  const publisherName = publisher.apply((subscriber) => subscriber.nodes.function.apply((fn) => fn.name));
  const consumers = subscribeOrderEventConsumers(bus, consumerQueues, linkables, settings);
  const alarmsTopic = rules.alarms
    ? createAlarms({
        queues: {
          [queues.orderEvents.resource]: queue,
          [queues.orderEvents.deadLetter.resource]: deadLetter,
          [streams.orderEvents.onFailure.resource]: publishFailures,
          ...Object.fromEntries(consumers.flatMap((c) => [[c.declaration.resource, c.queue], [c.declaration.deadLetter.resource, c.deadLetter]])),
        },
        api,
        functionNames: [
          ...routeFunctions,
          worker.nodes.function.apply((fn) => fn.name),
          ...crons.map((cron) => cron.nodes.function.apply((fn) => fn.name)),
          publisherName,
          ...consumers.map((c) => c.subscription.nodes.function.apply((fn) => fn.name)),
          authIssuer.nodes.issuer.apply((fn) => fn.name),
        ],
        streamFunctions: { orderEvents: publisherName },
      })
    : undefined;
  const site = createStorefront({ apiUrl: api.url, authUrl: authIssuer.url, router });
  if (router) routeCatalogThroughRouter(router, api.url);

  return {
    api: api.url,
    storefront: router ? site.url : storefront.devUrl,
    auth: authIssuer.url,
    stripeWebhookUrl: $interpolate`${api.url}/webhooks/stripe`,
    ...(router ? { catalogApi: $interpolate`${router.url}${catalogCaching.catalogPath}` } : {}),
    orderEventsDeadLetterQueue: deadLetter.url,
    orderEventsBus: bus.name,
    ...(alarmsTopic ? { alarmsTopic: alarmsTopic.arn } : {}),
  };
}

function deployTimeSetting(name: "ORDER_RESERVATION_MINUTES" | "SWEEP_GRACE_SECONDS") {
  const value = process.env[name]?.trim();
  return value ? { [name]: value } : {};
}
