// A handler module under unit test as Lambda runs it: freshly imported (a cold start) with the
// SST resource env the deployed function gets, pointing at this file's tables on the unit
// project's DynamoDB Local, the Stripe simulator through the real SDK and, when asked, an
// in-process SQS; invoked with a Lambda context; its structured output (logs and EMF metrics)
// captured line by line so tests can assert what an operator or an alarm would see.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type Stripe from "stripe";
import { expect, vi } from "vitest";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { queues, type QueueDeclaration } from "@shopwave/infra/topology";
import { createLambdaContext } from "@shopwave/local/aws/lambda-context";
import { createQueues, startLocalSqs, type LocalSqs } from "@shopwave/local/aws/sqs-local";
import { startStripeSimulator, type StripeSimulator } from "@shopwave/local/stripe/stripe-simulator";
import type { Product } from "@shopwave/core/catalog/product";
import { createUnitStore, testProduct, type UnitStore } from "./unit-store";

export const STRIPE_KEY = "sk_test_unit_handlers";
export const WEBHOOK_SECRET = "whsec_unit_handlers";

export interface HandlerHarness {
  u: UnitStore;
  simulator: StripeSimulator;
  stripe: Stripe;
  /** Present when started with `{ sqs: true }`: the topology's queues, by resource name. */
  sqs?: { client: SQSClient; queueUrls: Record<string, string> };
  /**
   * Sets process.env as the deployed function's, resets the module graph, and imports the handler.
   * Settings and SDK endpoints in `env` take effect; SST_RESOURCE_* overrides do not: `sst`'s
   * Resource lives in node_modules (not reset) and keeps what it read first.
   */
  load<M>(importModule: () => Promise<M>, env?: Record<string, string>): Promise<M>;
  stop(): Promise<void>;
}

export async function startHandlerHarness(options: { sqs?: boolean } = {}): Promise<HandlerHarness> {
  const savedEnv = { ...process.env };
  const u = await createUnitStore();
  const simulator = await startStripeSimulator({ host: "127.0.0.1", port: 0, webhookEndpoints: [], bankDebitSettleMs: null });
  const stripe = createStripeClient(STRIPE_KEY, simulator.url);
  let localSqs: LocalSqs | undefined;
  let sqs: HandlerHarness["sqs"];
  if (options.sqs) {
    localSqs = await startLocalSqs({ host: "127.0.0.1", port: 0 });
    const client = new SQSClient({ endpoint: localSqs.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    const prefix = `unit-${Math.random().toString(36).slice(2, 10)}`;
    const created = await createQueues(client, Object.values(queues) as QueueDeclaration[], (resource) => `${prefix}-${resource}`);
    sqs = { client, queueUrls: Object.fromEntries(Object.entries(created).map(([name, queue]) => [name, queue.url])) };
  }
  const resourceEnv: Record<string, string> = {
    ...u.handlerEnv,
    STRIPE_API_BASE_URL: simulator.url,
    SST_RESOURCE_App: JSON.stringify({ name: "shopwave", stage: "unit" }),
    SST_RESOURCE_StripeSecretKey: JSON.stringify({ value: STRIPE_KEY, type: "sst.sst.Secret" }),
    SST_RESOURCE_StripeWebhookSecret: JSON.stringify({ value: WEBHOOK_SECRET, type: "sst.sst.Secret" }),
    ...(localSqs && sqs
      ? {
          AWS_ENDPOINT_URL_SQS: localSqs.endpoint,
          ...Object.fromEntries(Object.entries(sqs.queueUrls).map(([name, url]) => [`SST_RESOURCE_${name}`, JSON.stringify({ url, type: "sst.aws.Queue" })])),
        }
      : {}),
  };
  return {
    u,
    simulator,
    stripe,
    ...(sqs ? { sqs } : {}),
    async load(importModule, env = {}) {
      process.env = {
        ...savedEnv,
        ...resourceEnv,
        // Logs and EMF metrics on, as on AWS (the unit project turns them off by default).
        POWERTOOLS_LOG_LEVEL: "INFO",
        POWERTOOLS_DEV: "false",
        POWERTOOLS_METRICS_DISABLED: "false",
        ...env,
      };
      vi.resetModules();
      return importModule();
    },
    async stop() {
      process.env = savedEnv;
      sqs?.client.destroy();
      u.destroy();
      await Promise.all([simulator.stop(), localSqs?.stop()]);
    },
  };
}

/** What a handler printed, one JSON object per structured line; install in beforeEach (vi.restoreAllMocks in afterEach). */
export function captureOutput() {
  const printed: Record<string, any>[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split("\n")) {
      try {
        printed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a structured line
      }
    }
    return true;
  };
  // Errors and warnings go to stderr, everything else to stdout.
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  return {
    printed,
    /** The value of each EMF metric printed, by name (summed when printed more than once). */
    metrics(): Record<string, number> {
      const totals: Record<string, number> = {};
      for (const line of printed.filter((entry) => entry._aws?.CloudWatchMetrics)) {
        for (const directive of line._aws.CloudWatchMetrics as { Metrics: { Name: string }[] }[]) {
          for (const { Name } of directive.Metrics) {
            const value = line[Name];
            totals[Name] = (totals[Name] ?? 0) + (Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : Number(value));
          }
        }
      }
      return totals;
    },
    /** The structured log lines with this message. */
    logged(message: string) {
      return printed.filter((line) => line.message === message);
    },
    clear() {
      printed.length = 0;
    },
  };
}

export const lambdaContext = (functionName: string) => createLambdaContext({ functionName, timeoutSeconds: 30, memoryMb: 256 });

/** An API Gateway v2 event as the HTTP API sends it for `routeKey`. */
export function apiEvent(
  routeKey: string,
  request: {
    rawPath?: string;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
    sourceIp?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const [method = "GET", path = "/"] = routeKey.split(" ");
  const rawPath = request.rawPath ?? path;
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
    headers: { host: "api.unit.test", ...(request.headers ?? {}) },
    ...(request.query ? { queryStringParameters: request.query } : {}),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "unit",
      domainName: "api.unit.test",
      domainPrefix: "api",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: request.sourceIp ?? "203.0.113.7", userAgent: "vitest" },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey,
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(request.body !== undefined ? { body: request.body } : {}),
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

/** The JSON body of a handler's answer. */
export const bodyOf = (response: APIGatewayProxyStructuredResultV2): any => JSON.parse(String(response.body));

/** What `POST /orders` answered for an order placed by placeOrderThroughHandler, and its product. */
export interface PlacedOrder {
  order: { id: string; checkoutSessionId: string };
  checkoutUrl: string;
  accessToken: string;
  productId: string;
}

/**
 * Places a shopper's order through the create-order handler (loaded by the caller with h.load):
 * a fresh product with stock 5, `quantity` units (default 2), a real Checkout Session on the
 * Stripe simulator. The order is PENDING_PAYMENT; the tests that need it paid pay on its checkout page.
 */
export async function placeOrderThroughHandler(
  h: Pick<HandlerHarness, "u">,
  createOrder: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>,
  options: { quantity?: number; product?: Partial<Product> } = {},
): Promise<PlacedOrder> {
  const product = testProduct({ stock: 5, ...options.product });
  await h.u.putProduct(product);
  const body = JSON.stringify({ email: "shopper@example.com", items: [{ productId: product.id, quantity: options.quantity ?? 2 }] });
  const response = await createOrder(apiEvent("POST /orders", { body, headers: { "content-type": "application/json" } }), lambdaContext("create-order"));
  expect(response.statusCode).toBe(201);
  return { ...(bodyOf(response) as Omit<PlacedOrder, "productId">), productId: product.id };
}
