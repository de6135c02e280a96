// Core's Store on the unit project's shared DynamoDB Local (test/support/dynamodb-global-setup.ts):
// the topology's tables under a prefix of their own per call, so each test file works on empty
// tables with the real keys, index and conditional writes, and files never see each other's items.
// destroy() deletes them again: a mutation run (npm run mutation) reruns the files thousands of
// times against one DynamoDB Local, which would otherwise pile up tables and slow down with them.
import { randomUUID } from "node:crypto";
import { DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import type { AccountsStore } from "@shopwave/core/accounts/sign-in-code";
import type { AuditLog } from "@shopwave/core/admin/audit-log";
import type { Product } from "@shopwave/core/catalog/product";
import { stockItemsOf } from "@shopwave/core/inventory/stock-shards";
import { newAccessToken } from "@shopwave/core/orders/access-token";
import type { OrderRecord } from "@shopwave/core/orders/order";
import { listedAtFor, pendingShardFor, statusShardFor } from "@shopwave/core/orders/order-store";
import type { CheckoutGateway, CheckoutSessionState, PaymentState } from "@shopwave/core/payments/checkout-gateway";
import { randomId } from "@shopwave/core/shared/random-id";
import type { Store } from "@shopwave/core/shared/store";
import { PENDING_SHARD_COUNT, STATUS_SHARD_COUNT, tables, type TableDeclaration } from "@shopwave/infra/topology";
import { createTables } from "@shopwave/local/aws/create-tables";

export interface UnitStore {
  store: Store;
  /** The accounts store (sign-in codes, customers) on this file's tables. */
  accounts: AccountsStore;
  /** The console's audit log on this file's tables. */
  audit: AuditLog;
  /** The env a handler needs to reach these tables as if they were its linked resources. */
  handlerEnv: Record<string, string>;
  putProduct(product: Product): Promise<void>;
  /**
   * A fresh product with `stock` units, kept in `stockShards` shard items as the catalog seeds it
   * (no `stockShards` attribute when none is given); returned with its total stock.
   */
  shelve(stock: number, stockShards?: number): Promise<Product>;
  putOrder(order: OrderRecord): Promise<void>;
  stockOf(productId: string): Promise<number | undefined>;
  orderRecord(orderId: string): Promise<Record<string, unknown> | undefined>;
  /** Deletes this store's tables and closes its client. */
  destroy(): Promise<void>;
}

export async function createUnitStore(): Promise<UnitStore> {
  const endpoint = inject("dynamoDbEndpoint");
  if (!endpoint) throw new Error("No DynamoDB Local: run this file in the unit project (its globalSetup starts one).");
  const prefix = `unit-${randomUUID().slice(0, 8)}`;
  const nameOf = (declaration: Pick<TableDeclaration, "resource">) => `${prefix}-${declaration.resource}`;
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await createTables(client, Object.values(tables), nameOf);
  const [byTime, byOperator, byTarget] = tables.audit.globalIndexes;
  const store: Store = {
    db,
    tables: {
      products: nameOf(tables.products),
      orders: nameOf(tables.orders),
      rateLimits: nameOf(tables.rateLimits),
      orderTimeline: nameOf(tables.orderTimeline),
      salesCounters: nameOf(tables.salesCounters),
    },
    indexes: {
      pendingByExpiry: { name: tables.orders.globalIndexes[0].name, shardCount: PENDING_SHARD_COUNT },
      byEmail: { name: tables.orders.globalIndexes[1].name },
      byStatus: { name: tables.orders.globalIndexes[2].name, shardCount: STATUS_SHARD_COUNT },
    },
  };
  return {
    store,
    accounts: { db, tables: { accounts: nameOf(tables.accounts), rateLimits: store.tables.rateLimits } },
    audit: {
      db,
      table: nameOf(tables.audit),
      indexes: { byTime: byTime.name, byOperator: byOperator.name, byTarget: byTarget.name },
    },
    handlerEnv: {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      ...Object.fromEntries(
        Object.values(tables).map((declaration) => [`SST_RESOURCE_${declaration.resource}`, JSON.stringify({ name: nameOf(declaration), type: "sst.aws.Dynamo" })]),
      ),
    },
    putProduct: async (product) => {
      await db.send(new PutCommand({ TableName: store.tables.products, Item: product }));
    },
    shelve: async (stock, stockShards) => {
      const { product, shards } = stockItemsOf(testProduct({ stock, ...(stockShards ? { stockShards } : {}) }));
      await db.send(new PutCommand({ TableName: store.tables.products, Item: product }));
      for (const item of shards) await db.send(new PutCommand({ TableName: store.tables.products, Item: item }));
      return { ...product, stock };
    },
    putOrder: async (order) => {
      await db.send(new PutCommand({ TableName: store.tables.orders, Item: order }));
    },
    stockOf: async (productId) => {
      const { Item } = await db.send(new GetCommand({ TableName: store.tables.products, Key: { id: productId }, ConsistentRead: true }));
      return Item === undefined ? undefined : Number(Item.stock);
    },
    orderRecord: async (orderId) => {
      const { Item } = await db.send(new GetCommand({ TableName: store.tables.orders, Key: { id: orderId }, ConsistentRead: true }));
      return Item;
    },
    destroy: async () => {
      try {
        await Promise.all(Object.values(tables).map((declaration) => client.send(new DeleteTableCommand({ TableName: nameOf(declaration) }))));
      } finally {
        client.destroy();
      }
    },
  };
}

/** A catalog product for unit tests; each call a fresh id so tests in one file do not share stock. */
export function testProduct(overrides: Partial<Product> = {}): Product {
  return {
    id: `unit-product-${randomUUID().slice(0, 8)}`,
    name: "Unit test mug",
    description: "",
    priceCents: 1250,
    currency: "usd",
    imageUrl: "/images/mug.svg",
    stock: 10,
    ...overrides,
  };
}

/**
 * A PENDING_PAYMENT order as createOrder writes it (priced lines, hashed token, pending index
 * entry). Writing it does not reserve stock: tests set the stock that remains after the reservation.
 */
export function pendingOrderRecord(
  store: Store,
  options: { lines: { product: Product; quantity: number }[]; expiresAt: number; checkoutSessionId?: string; now?: Date },
): { record: OrderRecord; token: string } {
  const token = newAccessToken();
  const id = randomId("ord");
  const createdAt = (options.now ?? new Date()).toISOString();
  const items = options.lines.map(({ product, quantity }) => ({ productId: product.id, name: product.name, unitPriceCents: product.priceCents, quantity }));
  return {
    token: token.token,
    record: {
      id,
      status: "PENDING_PAYMENT",
      email: "shopper@example.com",
      items,
      totalCents: items.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0),
      currency: "usd",
      accessTokenHash: token.hash,
      createdAt,
      updatedAt: createdAt,
      expiresAt: options.expiresAt,
      pendingShard: pendingShardFor(id, store.indexes.pendingByExpiry.shardCount),
      statusShard: statusShardFor(id, "PENDING_PAYMENT", store.indexes.byStatus.shardCount),
      listedAt: listedAtFor({ id, createdAt }),
      ...(options.checkoutSessionId ? { checkoutSessionId: options.checkoutSessionId, checkoutUrl: `https://checkout.example/${options.checkoutSessionId}` } : {}),
    },
  };
}

/**
 * A CheckoutGateway whose sessions and payments are plain data a test sets: expireSession closes
 * an open session (as Stripe does) and reports the state; refundPayment refunds a payment once
 * (a repeat is "already refunded", as Stripe answers past its idempotency window); calls are
 * recorded so a test can assert that the provider was, or was not, asked.
 */
export function fakeCheckoutGateway(
  sessions: Record<string, Omit<CheckoutSessionState, "id">> = {},
  payments: Record<string, Omit<PaymentState, "id">> = {},
) {
  const calls: { method: keyof CheckoutGateway; sessionId: string }[] = [];
  const refunds: { paymentIntentId: string; orderId: string; why: string }[] = [];
  const failing = new Set<string>();
  const stateOf = (sessionId: string): CheckoutSessionState => {
    const session = sessions[sessionId];
    if (!session) throw new Error(`No such checkout session: ${sessionId}`);
    return { id: sessionId, ...session };
  };
  const gateway: CheckoutGateway = {
    async createSession(request) {
      calls.push({ method: "createSession", sessionId: request.orderId });
      throw new Error("fakeCheckoutGateway does not create sessions");
    },
    async getSession(sessionId) {
      calls.push({ method: "getSession", sessionId });
      if (failing.has(sessionId)) throw new Error(`provider unavailable for ${sessionId}`);
      return stateOf(sessionId);
    },
    async expireSession(sessionId) {
      calls.push({ method: "expireSession", sessionId });
      if (failing.has(sessionId)) throw new Error(`provider unavailable for ${sessionId}`);
      const session = stateOf(sessionId);
      if (session.status === "open") sessions[sessionId] = { ...sessions[sessionId]!, status: "expired" };
      return stateOf(sessionId);
    },
    async getPayment(paymentIntentId) {
      calls.push({ method: "getPayment", sessionId: paymentIntentId });
      const payment = payments[paymentIntentId];
      if (!payment) throw new Error(`No such payment intent: ${paymentIntentId}`);
      return { id: paymentIntentId, ...payment };
    },
    async refundPayment(request) {
      calls.push({ method: "refundPayment", sessionId: request.paymentIntentId });
      if (failing.has(request.paymentIntentId)) throw new Error(`provider unavailable for ${request.paymentIntentId}`);
      if (refunds.some((refund) => refund.paymentIntentId === request.paymentIntentId)) return { refundId: undefined };
      refunds.push(request);
      return { refundId: `re_test_${refunds.length}` };
    },
  };
  return { gateway, sessions, payments, calls, refunds, failOn: (id: string) => failing.add(id) };
}

/**
 * The store with every command sent through it recorded, and `before` run ahead of each (a rival
 * writer, or a fault): for tests that check what was asked of DynamoDB, or race a write.
 */
export function recordingStore(store: Store, before?: (command: unknown) => Promise<void>): { store: Store; sent: unknown[] } {
  const sent: unknown[] = [];
  const db = {
    send: async (command: unknown) => {
      sent.push(command);
      await before?.(command);
      return store.db.send(command as never);
    },
  };
  return { store: { ...store, db: db as unknown as DynamoDBDocumentClient }, sent };
}
