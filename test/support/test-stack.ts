// Starts the local stack for one integration test file on free loopback ports, with fast
// webhook retries and a short visibility timeout so redelivery paths run in seconds.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "@shopwave/local/stack/local-stack";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import type { Store } from "@shopwave/core/shared/store";
import { PENDING_SHARD_COUNT, STATUS_SHARD_COUNT, tables } from "@shopwave/infra/topology";
import { createApiClient, type ApiClient } from "./api-client";
import { readStock, setStock } from "./product-stock";

export const TEST_WEBHOOK_SECRET = "whsec_integration_test_secret";
export const TEST_STRIPE_KEY = "sk_test_integration";

export interface TestStack {
  stack: LocalStack;
  api: ApiClient;
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  /** Core's view of the stack's tables, for tests that call core directly (e.g. the sweeper with a moved clock). */
  store: Store;
  stockOf(productId: string): Promise<number>;
  setStock(productId: string, stock: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestStack(overrides: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  const stack = await startLocalStack({
    ports: { api: 0, stripe: 0, dynamodb: 0, sqs: 0, ses: 0, auth: 0, events: 0 },
    stripeSecretKey: TEST_STRIPE_KEY,
    stripeWebhookSecret: TEST_WEBHOOK_SECRET,
    storefrontUrl: "http://localhost:3999",
    seed: seedProducts,
    sweepEveryMs: false,
    webhookRetry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 400 },
    visibilityTimeoutSeconds: 2,
    ...overrides,
  });
  const credentials = { accessKeyId: "local", secretAccessKey: "local" };
  const dynamo = new DynamoDBClient({ endpoint: stack.urls.dynamodb, region: "us-east-1", credentials });
  const db = DynamoDBDocumentClient.from(dynamo);
  const sqs = new SQSClient({ endpoint: stack.urls.sqs, region: "us-east-1", credentials });
  return {
    stack,
    api: createApiClient(stack.urls.api),
    db,
    sqs,
    store: {
      db,
      tables: {
        products: stack.tableNames.products,
        orders: stack.tableNames.orders,
        rateLimits: stack.tableNames.rateLimits,
        orderTimeline: stack.tableNames.orderTimeline,
        salesCounters: stack.tableNames.salesCounters,
      },
      indexes: {
        pendingByExpiry: { name: tables.orders.globalIndexes[0].name, shardCount: PENDING_SHARD_COUNT },
        byEmail: { name: tables.orders.globalIndexes[1].name },
        byStatus: { name: tables.orders.globalIndexes[2].name, shardCount: STATUS_SHARD_COUNT },
      },
    },
    stockOf: (productId) => readStock(db, stack.tableNames.products, productId),
    setStock: (productId, stock) => setStock(db, stack.tableNames.products, productId, stock),
    async stop() {
      dynamo.destroy();
      sqs.destroy();
      await stack.stop();
    },
  };
}

/** Places an order for one product and fails the test with the API's answer if it is not 201. */
export async function placeOrder(api: ApiClient, productId: string, quantity = 1, email = "shopper@example.com") {
  const response = await api.post("/orders", { email, items: [{ productId, quantity }] });
  if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}: ${response.text}`);
  return response.body as { order: { id: string; status: string; checkoutSessionId: string; totalCents: number }; checkoutUrl: string; accessToken: string };
}

export async function orderStatus(api: ApiClient, orderId: string, token: string): Promise<string> {
  const response = await api.get(`/orders/${orderId}?token=${encodeURIComponent(token)}`);
  if (response.status !== 200) throw new Error(`GET /orders answered ${response.status}: ${response.text}`);
  return response.body.status;
}

export type PlacedOrder = Awaited<ReturnType<typeof placeOrder>>;
