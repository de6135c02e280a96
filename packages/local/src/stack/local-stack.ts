// The embedded stack behind `npm run dev` and the integration tests: DynamoDB Local, an SQS
// emulator with a Lambda-style poller, a local SES v2 with an inbox, the Stripe simulator and an
// API Gateway v2 emulator, all created from infra/topology and wired to the real handlers through
// the same channels they use on AWS (SST `Resource` env, AWS_ENDPOINT_URL_*, Stripe host settings).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { auth, crons, email, eventConsumers, httpApi, queues, routes, streams, tables, type TableDeclaration } from "@shopwave/infra/topology";
import type { Product } from "@shopwave/core/catalog/product";
import { handledStripeEventTypes } from "@shopwave/core/payments/payment-event";
import { RESERVATION_MINUTES } from "@shopwave/core/orders/reservation-window";
import { createTables } from "../aws/create-tables";
import { seedCatalog } from "./seed-catalog";
import { sstResourceEnv } from "./sst-resource-env";
import { startDynamoDbLocal } from "../aws/dynamodb-local";
import { startDynamoDbFaultProxy, type DynamoDbFaultProxy } from "../aws/dynamodb-fault-proxy";
import { loadHandler } from "../aws/handler-loader";
import { createLambdaContext, functionNameFor } from "../aws/lambda-context";
import { createLocalLog } from "../process/log";
import { startHttpGateway } from "../aws/api-gateway/http-gateway";
import { startOrderEventsPoller } from "./order-events-poller";
import { startLocalAuthIssuer } from "./auth-issuer";
import { startOrderEventsPipeline, type OrderEventsPipeline } from "./order-events-pipeline";
import type { EventConsumerName } from "./event-consumer-pollers";
import { createQueues, startLocalSqs } from "../aws/sqs-local";
import { startLocalSes } from "../aws/ses-local";
import { startStripeSimulator, type StripeSimulator, type StripeSimulatorOptions } from "../stripe/stripe-simulator";

const log = createLocalLog("dev");

export interface LocalStackOptions {
  host?: string;
  /** 0 picks a free port (tests); defaults are the documented ones. */
  ports?: Partial<Record<"api" | "stripe" | "dynamodb" | "sqs" | "ses" | "auth" | "events", number>>;
  /** The stage's operator allowlist (OPERATOR_EMAILS): these emails' tokens carry the "operator" role. */
  operatorEmails?: string;
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  /** Where Checkout returns the shopper, and the origin the API allows (CORS). */
  storefrontUrl: string;
  /** Point the app at real Stripe instead of the simulator (no simulator is started). */
  stripeApiBaseUrl?: string | null;
  reservationMinutes?: number;
  seed?: readonly Product[];
  /** false: no queue poller runs in this process (a test may run one in another process); nor do the order events pipeline's pollers. */
  startPoller?: boolean;
  /** Which order event consumers run (default: every one the topology declares). */
  eventConsumers?: readonly EventConsumerName[];
  pollerConcurrency?: number;
  /** The address order emails are sent from (the SES identity's sender); defaults to the topology's local one. */
  emailSender?: string;
  /** Period of the local sweeper; false disables the timer (tests invoke it directly). */
  sweepEveryMs?: number | false;
  webhookRetry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Simulator timings tests shorten (ACH settlement, expiry checks). */
  stripeSimulator?: Pick<StripeSimulatorOptions, "bankDebitSettleMs" | "expiryCheckIntervalMs">;
  /** Lets tests shorten the queue's visibility timeout; defaults to the topology's. */
  visibilityTimeoutSeconds?: number;
  /** Puts a fault-injecting proxy between the handlers and DynamoDB Local (`stack.dynamoDbFaults`). */
  dynamoDbFaults?: boolean;
  /**
   * Enforce DynamoDB's per-partition write rate between the handlers and DynamoDB Local (scaled:
   * e.g. 50 units/s for AWS's 1,000); the proxy is then `stack.dynamoDbFaults` too.
   */
  partitionWriteLimit?: { writeUnitsPerSecond: number; burstUnits?: number };
  /** Tests only: the gateway takes each request's client address from X-Forwarded-For (see http-gateway.ts). */
  trustForwardedFor?: boolean;
  /** Extra env for the handlers (e.g. a shorter STRIPE_TIMEOUT_MS in tests). */
  handlerEnv?: Record<string, string>;
  onProgress?: (step: string, ms: number) => void;
}

export interface LocalStack {
  /** `ses` is the SES v2 endpoint; `inbox` the web inbox of every mail sent (JSON at `${ses}/store`); `auth` the sign-in issuer; `events` the order events bus. */
  urls: { api: string; stripe: string | null; dynamodb: string; sqs: string; ses: string; inbox: string; auth: string; events: string };
  stage: string;
  tableNames: Record<keyof typeof tables, string>;
  queueUrls: { orderEvents: string; orderEventsDlq: string };
  queueArns: { orderEvents: string; orderEventsDlq: string };
  /** Each order event consumer's queue and DLQ URL, and the publisher's failure queue. */
  eventQueueUrls: Record<EventConsumerName, { queue: string; dlq: string }> & { publishFailures: string };
  /** The stream → publisher → bus → consumer queues pipeline (its pollers run unless startPoller is false). */
  orderEvents: OrderEventsPipeline;
  stripe: StripeSimulator | null;
  /** The handlers' path to DynamoDB goes through this when `dynamoDbFaults` or `partitionWriteLimit` was asked for. */
  dynamoDbFaults: DynamoDbFaultProxy | null;
  /** Env that makes another process (CLI, poller, test) see this stack as the handlers do. */
  handlerEnv: Record<string, string>;
  /** Runs the sweeper job once, as the scheduled rule would. */
  runSweeper(): Promise<unknown>;
  stop(): Promise<void>;
}

const STAGE = "local";

export function tableNameFor(declaration: Pick<TableDeclaration, "resource">): string {
  return `shopwave-${STAGE}-${declaration.resource}`;
}

export function queueNameFor(resource: string): string {
  return `shopwave-${STAGE}-${resource}`;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? "127.0.0.1";
  const ports = { api: 3001, stripe: 12111, dynamodb: 8000, sqs: 9324, ses: 8005, auth: 3002, events: 8010, ...options.ports };
  const stoppers: (() => Promise<void>)[] = [];
  const progress = (step: string, since: number) => options.onProgress?.(step, Date.now() - since);
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) {
      await stop().catch((error: unknown) => log.error(`stopping: ${String(error)}`));
    }
    stoppers.length = 0;
  };

  try {
    const t0 = Date.now();
    // The slow part (a JVM) starts first and everything else overlaps with it.
    const dynamoPromise = startDynamoDbLocal({ host, port: ports.dynamodb }).then((d) => {
      progress(`DynamoDB Local ready at ${d.endpoint}`, t0);
      return d;
    });
    const sqsPromise = startLocalSqs({ host, port: ports.sqs }).then((s) => {
      progress(`SQS ready at ${s.endpoint}`, t0);
      return s;
    });
    const ses = await startLocalSes({ host, port: ports.ses });
    stoppers.push(() => ses.stop());
    progress(`SES ready at ${ses.endpoint} (inbox ${ses.inboxUrl})`, t0);
    // The gateway needs no backing service to listen; handlers load on first use, after env is set.
    let handlersReady!: () => void;
    const handlersReadyPromise = new Promise<void>((resolve) => (handlersReady = resolve));
    const gateway = await startHttpGateway({
      host,
      port: ports.api,
      routes,
      loadHandler: async (ref) => {
        await handlersReadyPromise;
        return loadHandler(ref);
      },
      cors: {
        allowOrigins: [new URL(options.storefrontUrl).origin],
        allowHeaders: [...httpApi.cors.allowHeaders],
        allowMethods: [...httpApi.cors.allowMethods],
        maxAgeSeconds: httpApi.cors.maxAgeSeconds,
      },
      ...(options.trustForwardedFor ? { trustForwardedFor: true } : {}),
    });
    stoppers.push(() => gateway.stop());
    // The sign-in issuer listens now (its URL goes into the handlers' env) and serves once env is set.
    const authIssuer = await startLocalAuthIssuer({ host, port: ports.auth, issuerAppRef: auth.issuer.handler.replace(/\.handler$/, ".issuerApp") });
    stoppers.push(() => authIssuer.stop());

    const useSimulator = options.stripeApiBaseUrl === undefined;
    let stripe: StripeSimulator | null = null;
    if (useSimulator) {
      stripe = await startStripeSimulator({
        host,
        port: ports.stripe,
        // Subscribed to the event types the app handles, as each stage's endpoint is on Stripe.
        webhookEndpoints: [{ url: `${gateway.url}/webhooks/stripe`, secret: options.stripeWebhookSecret, enabledEvents: handledStripeEventTypes }],
        ...(options.webhookRetry ? { webhookRetry: options.webhookRetry } : {}),
        ...options.stripeSimulator,
      });
      const simulator = stripe;
      stoppers.push(() => simulator.stop());
      progress(`Stripe simulator ready at ${simulator.url}`, t0);
    }

    const [dynamo, sqs] = await Promise.all([dynamoPromise, sqsPromise]);
    stoppers.push(() => dynamo.stop(), () => sqs.stop());
    const partitionWriteLimit = options.partitionWriteLimit && {
      ...options.partitionWriteLimit,
      hashKeys: Object.fromEntries((Object.values(tables) as TableDeclaration[]).map((table) => [tableNameFor(table), table.hashKey])),
    };
    const dynamoDbFaults =
      options.dynamoDbFaults || partitionWriteLimit
        ? await startDynamoDbFaultProxy({ target: dynamo.endpoint, host, ...(partitionWriteLimit ? { partitionWriteLimit } : {}) })
        : null;
    if (dynamoDbFaults) stoppers.push(() => dynamoDbFaults.stop());

    const credentials = { accessKeyId: "local", secretAccessKey: "local" };
    const region = "us-east-1";
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    const db = DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } });
    const sqsClient = new SQSClient({ endpoint: sqs.endpoint, region, credentials });
    stoppers.push(async () => {
      dynamoClient.destroy();
      sqsClient.destroy();
    });

    const t1 = Date.now();
    const tableDeclarations = Object.values(tables) as TableDeclaration[];
    const queueDeclarations = [...Object.values(queues), ...Object.values(eventConsumers)].map((queue) =>
      options.visibilityTimeoutSeconds === undefined ? queue : { ...queue, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds },
    );
    const [, createdQueues] = await Promise.all([
      // OpenAuth's storage too: on AWS sst.aws.Auth creates it, here it lives beside the others.
      createTables(dynamoClient, [...tableDeclarations, auth.storage], tableNameFor),
      createQueues(sqsClient, queueDeclarations, queueNameFor),
    ]);
    const tableNames = Object.fromEntries(
      Object.entries(tables).map(([key, declaration]) => [key, tableNameFor(declaration)]),
    ) as Record<keyof typeof tables, string>;
    if (options.seed) await seedCatalog(db, tableNames.products, options.seed);
    progress(`tables, queues and ${options.seed?.length ?? 0} products created`, t1);

    const orderEvents = createdQueues[queues.orderEvents.resource];
    const orderEventsDlq = createdQueues[queues.orderEvents.deadLetter.resource];
    if (!orderEvents || !orderEventsDlq) throw new Error("The order-events queues were not created.");

    const pipeline = await startOrderEventsPipeline({
      host,
      port: ports.events,
      region,
      credentials,
      dynamo: { client: dynamoClient, endpoint: dynamo.endpoint },
      sqs: sqsClient,
      ordersTableName: tableNames.orders,
      queues: createdQueues,
      queueName: queueNameFor,
      stage: STAGE,
    });
    stoppers.push(() => pipeline.stop());
    const eventQueueUrls = {
      ...(Object.fromEntries(
        Object.entries(eventConsumers).map(([name, consumer]) => [name, { queue: createdQueues[consumer.resource]!.url, dlq: createdQueues[consumer.deadLetter.resource]!.url }]),
      ) as Record<EventConsumerName, { queue: string; dlq: string }>),
      publishFailures: pipeline.publishFailures.url,
    };

    const stripeApiBaseUrl = useSimulator ? stripe!.url : (options.stripeApiBaseUrl ?? "");
    const handlerEnv: Record<string, string> = {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbFaults?.endpoint ?? dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: pipeline.bus.endpoint,
      STRIPE_API_BASE_URL: stripeApiBaseUrl,
      STOREFRONT_URL: options.storefrontUrl,
      AUTH_ISSUER_URL: authIssuer.url,
      OPERATOR_EMAILS: options.operatorEmails ?? "",
      ...authIssuer.storageEnv(tableNameFor(auth.storage), dynamo.endpoint),
      ORDER_RESERVATION_MINUTES: String(options.reservationMinutes ?? RESERVATION_MINUTES.default),
      ...sstResourceEnv({
        app: { name: "shopwave", stage: STAGE },
        tableName: tableNameFor,
        queueUrls: { ...createdQueues, [streams.orderEvents.onFailure.resource]: pipeline.publishFailures },
        secretValues: { StripeSecretKey: options.stripeSecretKey, StripeWebhookSecret: options.stripeWebhookSecret },
        emailSender: options.emailSender ?? email.localSender,
        eventBus: { name: pipeline.busName, arn: pipeline.busArn },
      }),
      ...options.handlerEnv,
    };
    // Handlers run in this process, like warm Lambda containers: they read the same env. It is
    // put back on stop, so a setting one stack was given (a rate limit, say) cannot outlive it.
    const previousEnv = Object.fromEntries(Object.keys(handlerEnv).map((key) => [key, process.env[key]]));
    Object.assign(process.env, handlerEnv);
    stoppers.unshift(async () => {
      for (const [key, value] of Object.entries(previousEnv)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    handlersReady();
    authIssuer.ready();
    // Load the issuer and let it make (or read) its signing keys now, not on the first sign-in.
    void fetch(`${authIssuer.url}/.well-known/jwks.json`, { signal: AbortSignal.timeout(60_000) })
      .then((response) => response.body?.cancel())
      .catch(() => undefined);

    if (options.startPoller !== false) {
      const poller = await startOrderEventsPoller({
        client: sqsClient,
        queueUrl: orderEvents.url,
        queueArn: orderEvents.arn,
        concurrency: options.pollerConcurrency ?? 2,
      });
      stoppers.push(() => poller.stop());
      await pipeline.startPollers({ concurrency: options.pollerConcurrency ?? 2, ...(options.eventConsumers ? { consumers: options.eventConsumers } : {}) });
    }

    const sweeper = crons.sweepExpiredOrders;
    const runSweeper = async () => {
      const sweep = await loadHandler<(event: unknown, context: Context) => Promise<unknown>>(sweeper.handler);
      return sweep(
        { source: "aws.events", "detail-type": "Scheduled Event" },
        createLambdaContext({ functionName: functionNameFor(sweeper.handler), timeoutSeconds: sweeper.timeoutSeconds, memoryMb: sweeper.memoryMb }),
      );
    };
    const sweepEveryMs = options.sweepEveryMs ?? sweeper.everyMinutes * 60_000;
    if (sweepEveryMs !== false) {
      const timer = setInterval(() => {
        runSweeper().catch((error: unknown) => log.error(`sweeper failed: ${String(error)}`));
      }, sweepEveryMs);
      timer.unref();
      stoppers.push(async () => clearInterval(timer));
    }

    return {
      urls: { api: gateway.url, stripe: stripe?.url ?? null, dynamodb: dynamo.endpoint, sqs: sqs.endpoint, ses: ses.endpoint, inbox: ses.inboxUrl, auth: authIssuer.url, events: pipeline.bus.endpoint },
      stage: STAGE,
      tableNames,
      queueUrls: { orderEvents: orderEvents.url, orderEventsDlq: orderEventsDlq.url },
      queueArns: { orderEvents: orderEvents.arn, orderEventsDlq: orderEventsDlq.arn },
      eventQueueUrls,
      orderEvents: pipeline,
      stripe,
      dynamoDbFaults,
      handlerEnv,
      runSweeper,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
