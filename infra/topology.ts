// The one declaration of Shopwave's cloud resources as plain data: tables, queues, routes,
// scheduled jobs and secrets. infra/aws/shopwave.ts (run by sst.config.ts) turns it into SST
// components; the local stack (packages/local/src/stack) creates the same tables, queues and
// routes from it, so the two cannot drift.

export type AttributeType = "S" | "N";

export interface TableIndex {
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
}

export interface TableDeclaration {
  /** Logical name: the SST component name and the key handlers read through `Resource`. */
  readonly resource: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  /** Only key attributes (of the table and its indexes) are declared, as DynamoDB requires. */
  readonly attributes: Readonly<Record<string, AttributeType>>;
  readonly globalIndexes: readonly TableIndex[];
  readonly ttlAttribute?: string;
  /** What the table's stream carries (DynamoDB Streams); absent: no stream. */
  readonly stream?: "NEW_AND_OLD_IMAGES" | "NEW_IMAGE" | "OLD_IMAGE" | "KEYS_ONLY";
}

export const tables = {
  products: {
    resource: "ProductsTable",
    hashKey: "id",
    attributes: { id: "S" },
    globalIndexes: [],
  },
  orders: {
    resource: "OrdersTable",
    hashKey: "id",
    // `pendingShard` exists only while an order is PENDING_PAYMENT, so this index is sparse:
    // the sweeper reads just the open orders, oldest expiry first. Sharding spreads a flash
    // sale's writes over several index partitions instead of one hot key.
    // `byEmail`: a shopper's orders newest first, by the normalized (lower-case) email they were
    // placed with: a signed-in customer's history includes the guest orders of the email they
    // verified (GET /me/orders), and operators search by email.
    // `statusShard` (`<status>#<n>`, rewritten with every status change) and `listedAt`
    // (`<createdAt>#<id>`, unique) give the console its orders-by-status listing, newest first,
    // without a scan; the shards keep a flash sale's PENDING_PAYMENT writes off one index partition.
    attributes: { id: "S", pendingShard: "S", expiresAt: "N", email: "S", createdAt: "S", statusShard: "S", listedAt: "S" },
    globalIndexes: [
      { name: "pendingByExpiry", hashKey: "pendingShard", rangeKey: "expiresAt" },
      { name: "byEmail", hashKey: "email", rangeKey: "createdAt" },
      { name: "byStatus", hashKey: "statusShard", rangeKey: "listedAt" },
    ],
    // The transactional outbox: every committed transition is on the stream with the order
    // before and after it, and the publisher (streams.orderEvents) derives the domain event from that.
    stream: "NEW_AND_OLD_IMAGES",
  },
  /**
   * Customer accounts: `customer#<email>` → the customer id minted on the first verified sign-in,
   * and `code#<email>` → the pending sign-in code (a hash, its expiry and failed attempts),
   * deleted when used and expiring through TTL.
   */
  accounts: {
    resource: "AccountsTable",
    hashKey: "id",
    attributes: { id: "S" },
    globalIndexes: [],
    ttlAttribute: "expiresAt",
  },
  /**
   * Abuse-control counters, expiring through TTL: fixed-window request counters (order creation
   * per client IP) and reservation holds (`hold#…`: what one email or client address keeps
   * reserved in unpaid orders, charged and released in the orders' own transactions).
   */
  rateLimits: {
    resource: "RateLimitsTable",
    hashKey: "id",
    attributes: { id: "S" },
    globalIndexes: [],
    ttlAttribute: "expiresAt",
  },
  /** Powertools idempotency records: one per Stripe event id, so a redelivered webhook is a no-op. */
  idempotency: {
    resource: "IdempotencyTable",
    hashKey: "id",
    attributes: { id: "S" },
    globalIndexes: [],
    ttlAttribute: "expiration",
  },
  /**
   * Each order's timeline (placed, payment received, confirmed, email sent, …), one item per entry,
   * keyed by the entry's id so appending the same entry twice is one item. Not in the orders table:
   * its items would appear on the orders stream.
   */
  orderTimeline: {
    resource: "OrderTimelineTable",
    hashKey: "orderId",
    rangeKey: "entryId",
    attributes: { orderId: "S", entryId: "S" },
    globalIndexes: [],
  },
  /**
   * Sales per product: one item per product and minute (`minute#<ISO minute>`) and one running
   * total (`total`), plus one marker per applied event (`event#<id>`, expiring through TTL) written
   * in the same transaction as the increments, so a redelivered event counts once.
   */
  salesCounters: {
    resource: "SalesCountersTable",
    hashKey: "pk",
    rangeKey: "sk",
    attributes: { pk: "S", sk: "S" },
    globalIndexes: [],
    ttlAttribute: "expiresAt",
  },
  /**
   * The operator audit log: one item per console action (who, what, target, before → after,
   * result), put once under a unique id and never updated (no code path writes to it but a
   * conditional put). Listed newest first by time (one partition: operator actions are a few per
   * minute, far below a partition's 1,000 writes/s), by operator and by target.
   */
  audit: {
    resource: "AuditTable",
    hashKey: "id",
    attributes: { id: "S", log: "S", at: "S", operatorId: "S", target: "S" },
    globalIndexes: [
      { name: "byTime", hashKey: "log", rangeKey: "at" },
      { name: "byOperator", hashKey: "operatorId", rangeKey: "at" },
      { name: "byTarget", hashKey: "target", rangeKey: "at" },
    ],
  },
} as const satisfies Record<string, TableDeclaration>;

/** How many shards the sparse pending-orders index is spread over. */
export const PENDING_SHARD_COUNT = 8;

/** How many shards each status of the console's `byStatus` index is spread over (one query each per page). */
export const STATUS_SHARD_COUNT = 4;

export interface QueueDeclaration {
  readonly resource: string;
  /** Seconds a received message stays invisible; must exceed the consumer's timeout. */
  readonly visibilityTimeoutSeconds: number;
  readonly deadLetter: { readonly resource: string; readonly maxReceiveCount: number };
  readonly consumer: {
    readonly handler: string;
    readonly batchSize: number;
    /** Seconds the event source mapping waits to fill a batch (Lambda's MaximumBatchingWindowInSeconds). */
    readonly batchWindowSeconds: number;
    readonly timeoutSeconds: number;
    readonly memoryMb: number;
    /** Logical names of the resources the consumer may touch. */
    readonly link: readonly (TableResource | SecretResource | EmailResource)[];
    readonly settings?: readonly FunctionSetting[];
  };
}

export const queues = {
  orderEvents: {
    resource: "OrderEventsQueue",
    // AWS recommends at least 6× the function timeout for SQS event sources.
    visibilityTimeoutSeconds: 60,
    deadLetter: { resource: "OrderEventsDlq", maxReceiveCount: 5 },
    consumer: {
      handler: "packages/functions/src/workers/order-events.handler",
      batchSize: 10,
      batchWindowSeconds: 1,
      timeoutSeconds: 10,
      memoryMb: 512,
      // Stripe: an expiry is checked against the session's state before stock is released.
      // RateLimitsTable: confirming or cancelling an order frees its reservation holds.
      link: ["OrdersTable", "ProductsTable", "RateLimitsTable", "StripeSecretKey"],
    },
  },
} as const satisfies Record<string, QueueDeclaration>;

/**
 * The order events bus (EventBridge, one per stage): the publisher puts every order's domain event
 * on it (core/order-events/order-event.ts: `source` below, detail-type = the event's type), and each
 * of `eventConsumers` receives the ones its rule's pattern matches in its own queue.
 */
export const eventBus = { resource: "OrderEventsBus", source: "shopwave.orders" } as const;
export type BusResource = (typeof eventBus)["resource"];

export interface StreamConsumerDeclaration {
  /** The table whose stream is read (its declaration must have `stream`). */
  readonly table: TableResource;
  readonly handler: string;
  /** Records per invocation (Lambda's BatchSize for a stream). */
  readonly batchSize: number;
  readonly batchWindowSeconds: number;
  /** Retries of a failing batch before its records go to `onFailure` (bisecting on each error). */
  readonly maximumRetryAttempts: number;
  /** Split a failing batch in two and retry the halves, so one bad record does not hold back the rest. */
  readonly bisectOnError: boolean;
  /** Where the metadata of records that exhausted their retries goes (an SQS queue kept 14 days). */
  readonly onFailure: { readonly resource: string };
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly link: readonly (BusResource | TableResource)[];
}

/**
 * The transactional outbox's publisher: Lambda's stream event source mapping on the orders table
 * invokes it with batches of changes; it derives each transition's event and puts it on the bus,
 * reporting the records it could not publish (partial batch response by sequence number), which
 * Lambda retries from there; after `maximumRetryAttempts` their place in the stream is sent to the
 * failure queue, and the OrderEventsPublisherFailures alarm fires.
 */
export const streams = {
  orderEvents: {
    table: "OrdersTable",
    handler: "packages/functions/src/workers/publish-order-events.handler",
    batchSize: 100,
    batchWindowSeconds: 0,
    maximumRetryAttempts: 10,
    bisectOnError: true,
    onFailure: { resource: "OrderEventsPublishFailures" },
    timeoutSeconds: 30,
    memoryMb: 512,
    link: ["OrderEventsBus"],
  },
} as const satisfies Record<string, StreamConsumerDeclaration>;

/** An EventBridge event pattern, in the bus's own JSON (EventBridge matches it on the event envelope). */
export interface EventPattern {
  readonly source: readonly string[];
  readonly "detail-type": readonly string[];
}

export interface EventConsumerDeclaration extends QueueDeclaration {
  /** The bus rule that routes matching events to this consumer's queue. */
  readonly rule: { readonly resource: string; readonly pattern: EventPattern };
}

const orderEventTypes = {
  all: ["OrderPlaced", "OrderConfirmed", "OrderCancelled", "OrderRefunded"],
  shopperNotified: ["OrderConfirmed", "OrderCancelled", "OrderRefunded"],
} as const;

/**
 * The bus's consumers: each its own queue (with a DLQ) fed by a rule, and a function consuming it
 * with partial batch responses, idempotent per event id (a bus and a queue each deliver at least once).
 */
export const eventConsumers = {
  orderEmail: {
    resource: "OrderEmailQueue",
    visibilityTimeoutSeconds: 120,
    deadLetter: { resource: "OrderEmailDlq", maxReceiveCount: 5 },
    rule: { resource: "OrderEmailRule", pattern: { source: [eventBus.source], "detail-type": orderEventTypes.shopperNotified } },
    consumer: {
      handler: "packages/functions/src/workers/order-email.handler",
      batchSize: 10,
      batchWindowSeconds: 1,
      timeoutSeconds: 20,
      memoryMb: 512,
      // Sends through SES (Email) once per event (IdempotencyTable), with a link to the order page
      // (a token recorded on the order, STOREFRONT_URL), and appends `email_sent` to the timeline.
      link: ["Email", "OrdersTable", "OrderTimelineTable", "IdempotencyTable"],
      settings: ["STOREFRONT_URL"],
    },
  },
  orderTimeline: {
    resource: "OrderTimelineQueue",
    visibilityTimeoutSeconds: 60,
    deadLetter: { resource: "OrderTimelineDlq", maxReceiveCount: 5 },
    rule: { resource: "OrderTimelineRule", pattern: { source: [eventBus.source], "detail-type": orderEventTypes.all } },
    consumer: {
      handler: "packages/functions/src/workers/order-timeline.handler",
      batchSize: 10,
      batchWindowSeconds: 1,
      timeoutSeconds: 10,
      memoryMb: 256,
      link: ["OrderTimelineTable"],
    },
  },
  salesCounters: {
    resource: "SalesCountersQueue",
    visibilityTimeoutSeconds: 60,
    deadLetter: { resource: "SalesCountersDlq", maxReceiveCount: 5 },
    // Every order event: the shop's orders are counted per minute (placed, confirmed, cancelled,
    // refunded), and confirmations and refunds per product too.
    rule: { resource: "SalesCountersRule", pattern: { source: [eventBus.source], "detail-type": orderEventTypes.all } },
    consumer: {
      handler: "packages/functions/src/workers/sales-counters.handler",
      // Every confirmation of a hot product updates the same counters: small batches, processed one
      // record at a time, keep the transactions from colliding with each other.
      batchSize: 10,
      batchWindowSeconds: 1,
      timeoutSeconds: 10,
      memoryMb: 256,
      link: ["SalesCountersTable"],
    },
  },
} as const satisfies Record<string, EventConsumerDeclaration>;

export type HttpMethod = "GET" | "POST";

/**
 * Configuration a function reads from its environment (besides SST `Resource` links). Only the
 * functions that declare a setting receive it on AWS; locally every handler sees the whole env.
 */
export type FunctionSetting =
  | "STOREFRONT_URL"
  | "ORDER_RESERVATION_MINUTES"
  | "ORDER_RATE_LIMIT"
  | "ORDER_HOLDS_PER_EMAIL"
  | "ORDER_HOLDS_PER_CLIENT"
  | "SWEEP_GRACE_SECONDS"
  | "AUTH_ISSUER_URL"
  | "OPERATOR_EMAILS";

/**
 * What one shopper (email) and one client address (an IPv4 address, an IPv6 /64) may keep reserved
 * in unpaid orders at once on a deployed stage, unless ORDER_HOLDS_PER_EMAIL / ORDER_HOLDS_PER_CLIENT
 * are set for `sst deploy` ("off" disables one). Unset, the handler caps nothing: locally the
 * per-email caps come from .env.example and the per-client ones are off, since every local client
 * is 127.0.0.1. A real shopper has one pending order (the storefront resumes it on a retry and
 * cancels it when the cart changes); three allow a second tab or device and a cancel that failed.
 * An address may stand for a household or an office behind NAT, so it may hold more orders, but
 * never more than 10 units of one product (one full order line).
 */
export const orderHoldDefaults = {
  ORDER_HOLDS_PER_EMAIL: "orders=3,units=30,perProduct=10",
  ORDER_HOLDS_PER_CLIENT: "orders=10,units=60,perProduct=10",
} as const satisfies Partial<Record<FunctionSetting, string>>;

/** SQS actions a function may be granted on a queue beyond what a link gives (sending). */
export type QueueAction =
  | "sqs:SendMessage"
  | "sqs:GetQueueAttributes"
  | "sqs:ReceiveMessage"
  | "sqs:ChangeMessageVisibility"
  | "sqs:DeleteMessage"
  | "sqs:StartMessageMoveTask"
  | "sqs:ListMessageMoveTasks";

export type QueueResource =
  | (typeof queues)[keyof typeof queues]["resource"]
  | (typeof queues)[keyof typeof queues]["deadLetter"]["resource"]
  | (typeof eventConsumers)[keyof typeof eventConsumers]["resource"]
  | (typeof eventConsumers)[keyof typeof eventConsumers]["deadLetter"]["resource"];

export interface QueuePermission {
  readonly queue: QueueResource;
  readonly actions: readonly QueueAction[];
}

export interface RouteDeclaration {
  readonly method: HttpMethod;
  /** API Gateway v2 path syntax: `{name}` is a path parameter. */
  readonly path: string;
  /** `<file without extension>.<export>`, relative to the repository root (SST's handler syntax). */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Logical names of the resources the handler may touch (least privilege on AWS, env locally). */
  readonly link: readonly LinkableResource[];
  readonly settings?: readonly FunctionSetting[];
  /**
   * The SQS actions granted on a linked queue (the console's queue operations). A queue listed here
   * gets exactly these actions, its link carrying only its URL; a linked queue not listed may be
   * sent to, and nothing else.
   */
  readonly queuePermissions?: readonly QueuePermission[];
  /** Only principals with the operator role may call it (every `/admin/…` route, and only those). */
  readonly operatorOnly?: true;
}

const api = "packages/functions/src/api";
const admin = "packages/functions/src/admin";

/** Every dead-letter queue with its source queue, as the console operates them: the worker's and each event consumer's. */
const deadLetterQueues = [...Object.values(queues), ...Object.values(eventConsumers)].map((queue) => ({ deadLetter: queue.deadLetter.resource, source: queue.resource }));

/** Each DLQ with `actions`, and each source queue with `source` (a redrive sends there; the sale view reads depths). */
const onDeadLetters = (actions: readonly QueueAction[], source?: readonly QueueAction[]): QueuePermission[] =>
  deadLetterQueues.flatMap((queue) => [{ queue: queue.deadLetter, actions }, ...(source ? [{ queue: queue.source, actions: source }] : [])]);

/**
 * The operator console's API. Each route links only what its action needs: reading orders the
 * orders table; a refund the Stripe key and the audit table; a dead-letter action only the queues
 * it touches, with only the SQS actions it performs, listed per queue in `queuePermissions` (its
 * link then carries the queue's URL and nothing more: inspecting a DLQ cannot send to it).
 */
const adminRoutes = [
  { method: "GET", path: "/admin/orders", handler: `${admin}/list-orders.handler`, timeoutSeconds: 10, memoryMb: 512, link: ["OrdersTable"], operatorOnly: true },
  {
    method: "GET",
    path: "/admin/orders/{id}",
    handler: `${admin}/get-order.handler`,
    timeoutSeconds: 10,
    memoryMb: 512,
    // The order, its event timeline, and Stripe's view of its session and payment.
    link: ["OrdersTable", "OrderTimelineTable", "StripeSecretKey"],
    operatorOnly: true,
  },
  {
    method: "POST",
    path: "/admin/orders/{id}/refunds",
    handler: `${admin}/refund-order.handler`,
    timeoutSeconds: 20,
    memoryMb: 512,
    link: ["OrdersTable", "AuditTable", "StripeSecretKey"],
    operatorOnly: true,
  },
  {
    method: "POST",
    path: "/admin/orders/{id}/cancel",
    handler: `${admin}/cancel-order.handler`,
    timeoutSeconds: 20,
    memoryMb: 512,
    // The shopper's cancel path: expire the session (Stripe), release stock and holds.
    link: ["OrdersTable", "ProductsTable", "RateLimitsTable", "AuditTable", "StripeSecretKey"],
    operatorOnly: true,
  },
  { method: "GET", path: "/admin/products/{id}/stock", handler: `${admin}/get-stock.handler`, timeoutSeconds: 10, memoryMb: 256, link: ["ProductsTable"], operatorOnly: true },
  {
    method: "POST",
    path: "/admin/products/{id}/stock",
    handler: `${admin}/adjust-stock.handler`,
    timeoutSeconds: 10,
    memoryMb: 256,
    // The adjustment and its audit entry commit in one transaction.
    link: ["ProductsTable", "AuditTable"],
    operatorOnly: true,
  },
  {
    method: "GET",
    path: "/admin/sales",
    handler: `${admin}/sale-snapshot.handler`,
    timeoutSeconds: 10,
    memoryMb: 512,
    // Queue depths: every source queue and DLQ, attributes only.
    link: ["ProductsTable", "SalesCountersTable", ...deadLetterQueues.flatMap((queue) => [queue.deadLetter, queue.source])],
    queuePermissions: onDeadLetters(["sqs:GetQueueAttributes"], ["sqs:GetQueueAttributes"]),
    operatorOnly: true,
  },
  { method: "GET", path: "/admin/audit", handler: `${admin}/list-audit.handler`, timeoutSeconds: 10, memoryMb: 256, link: ["AuditTable"], operatorOnly: true },
  {
    method: "GET",
    path: "/admin/dead-letters",
    handler: `${admin}/list-dead-letter-queues.handler`,
    timeoutSeconds: 10,
    memoryMb: 256,
    link: deadLetterQueues.map((queue) => queue.deadLetter),
    queuePermissions: onDeadLetters(["sqs:GetQueueAttributes"]),
    operatorOnly: true,
  },
  {
    method: "GET",
    path: "/admin/dead-letters/{queue}/messages",
    handler: `${admin}/inspect-dead-letters.handler`,
    timeoutSeconds: 20,
    memoryMb: 256,
    link: deadLetterQueues.map((queue) => queue.deadLetter),
    queuePermissions: onDeadLetters(["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility"]),
    operatorOnly: true,
  },
  {
    method: "POST",
    path: "/admin/dead-letters/{queue}/messages/{messageId}/redrive",
    handler: `${admin}/redrive-dead-letter.handler`,
    timeoutSeconds: 20,
    memoryMb: 256,
    link: [...deadLetterQueues.map((queue) => queue.deadLetter), ...deadLetterQueues.map((queue) => queue.source), "AuditTable"],
    queuePermissions: onDeadLetters(["sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"], ["sqs:SendMessage"]),
    operatorOnly: true,
  },
  {
    method: "POST",
    path: "/admin/dead-letters/{queue}/messages/{messageId}/delete",
    handler: `${admin}/delete-dead-letter.handler`,
    timeoutSeconds: 20,
    memoryMb: 256,
    link: [...deadLetterQueues.map((queue) => queue.deadLetter), "AuditTable"],
    queuePermissions: onDeadLetters(["sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"]),
    operatorOnly: true,
  },
  {
    method: "POST",
    path: "/admin/dead-letters/{queue}/redrive",
    handler: `${admin}/redrive-all-dead-letters.handler`,
    timeoutSeconds: 10,
    memoryMb: 256,
    // SQS moves the messages with the caller's permissions: receive and delete here, send to the source.
    link: [...deadLetterQueues.map((queue) => queue.deadLetter), ...deadLetterQueues.map((queue) => queue.source), "AuditTable"],
    // The source's ARN names the task's destination (attributes), which it sends to.
    queuePermissions: onDeadLetters(["sqs:GetQueueAttributes", "sqs:StartMessageMoveTask", "sqs:ReceiveMessage", "sqs:DeleteMessage"], ["sqs:SendMessage", "sqs:GetQueueAttributes"]),
    operatorOnly: true,
  },
  {
    method: "GET",
    path: "/admin/dead-letters/{queue}/move-tasks",
    handler: `${admin}/list-move-tasks.handler`,
    timeoutSeconds: 10,
    memoryMb: 256,
    link: deadLetterQueues.map((queue) => queue.deadLetter),
    queuePermissions: onDeadLetters(["sqs:GetQueueAttributes", "sqs:ListMessageMoveTasks"]),
    operatorOnly: true,
  },
] as const satisfies readonly RouteDeclaration[];

export const routes = [
  { method: "GET", path: "/health", handler: `${api}/health.handler`, timeoutSeconds: 3, memoryMb: 128, link: [] },
  { method: "GET", path: "/products", handler: `${api}/list-products.handler`, timeoutSeconds: 5, memoryMb: 512, link: ["ProductsTable"] },
  { method: "GET", path: "/products/{id}", handler: `${api}/get-product.handler`, timeoutSeconds: 5, memoryMb: 512, link: ["ProductsTable"] },
  {
    method: "POST",
    path: "/orders",
    handler: `${api}/create-order.handler`,
    timeoutSeconds: 20,
    memoryMb: 1024,
    link: ["ProductsTable", "OrdersTable", "RateLimitsTable", "StripeSecretKey"],
    // Checkout's success/cancel URLs point at the storefront; the reservation sets the session's
    // expiry; ORDER_RATE_LIMIT (e.g. 10/60s) limits orders per client IP; ORDER_HOLDS_PER_EMAIL
    // and ORDER_HOLDS_PER_CLIENT (e.g. orders=3,units=30,perProduct=10) cap what one shopper or
    // client address keeps reserved in unpaid orders.
    // AUTH_ISSUER_URL: a signed-in shopper's order records their customer id (optional token).
    settings: ["STOREFRONT_URL", "ORDER_RESERVATION_MINUTES", "ORDER_RATE_LIMIT", "ORDER_HOLDS_PER_EMAIL", "ORDER_HOLDS_PER_CLIENT", "AUTH_ISSUER_URL"],
  },
  { method: "GET", path: "/orders/{id}", handler: `${api}/get-order.handler`, timeoutSeconds: 5, memoryMb: 512, link: ["OrdersTable", "OrderTimelineTable"] },
  {
    method: "POST",
    path: "/orders/{id}/cancel",
    handler: `${api}/cancel-order.handler`,
    // Expires the Checkout Session (Stripe, up to 3 attempts) before releasing the stock and holds.
    timeoutSeconds: 20,
    memoryMb: 512,
    link: ["OrdersTable", "ProductsTable", "RateLimitsTable", "StripeSecretKey"],
  },
  // The signed-in customer and their order history (the issuer's access token, verified here).
  { method: "GET", path: "/me", handler: `${api}/get-me.handler`, timeoutSeconds: 5, memoryMb: 512, link: [], settings: ["AUTH_ISSUER_URL"] },
  { method: "GET", path: "/me/orders", handler: `${api}/list-my-orders.handler`, timeoutSeconds: 5, memoryMb: 512, link: ["OrdersTable"], settings: ["AUTH_ISSUER_URL"] },
  { method: "GET", path: "/me/orders/{id}", handler: `${api}/get-my-order.handler`, timeoutSeconds: 5, memoryMb: 512, link: ["OrdersTable"], settings: ["AUTH_ISSUER_URL"] },
  {
    method: "POST",
    path: "/orders/{id}/fulfil",
    handler: `${api}/fulfil-order.handler`,
    // Reads the order's own Checkout Session back from Stripe and settles from it as the worker does.
    // RateLimitsTable: provider look-ups per order are capped, and settling frees the order's holds.
    // OrderTimelineTable: it answers with the order's timeline, as GET /orders/{id} does.
    timeoutSeconds: 20,
    memoryMb: 512,
    link: ["OrdersTable", "ProductsTable", "RateLimitsTable", "OrderTimelineTable", "StripeSecretKey"],
  },
  {
    method: "POST",
    path: "/webhooks/stripe",
    handler: "packages/functions/src/webhooks/stripe.handler",
    timeoutSeconds: 10,
    memoryMb: 512,
    link: ["IdempotencyTable", "OrderEventsQueue", "StripeSecretKey", "StripeWebhookSecret"],
  },
  ...adminRoutes,
] as const satisfies readonly RouteDeclaration[];

export interface CronDeclaration {
  readonly resource: string;
  readonly handler: string;
  /** Local stack and EventBridge `rate(...)` share this period. */
  readonly everyMinutes: number;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly link: readonly LinkableResource[];
  readonly settings?: readonly FunctionSetting[];
}

export const crons = {
  sweepExpiredOrders: {
    resource: "SweepExpiredOrders",
    handler: "packages/functions/src/jobs/sweep-expired-orders.handler",
    everyMinutes: 5,
    timeoutSeconds: 60,
    memoryMb: 256,
    link: ["OrdersTable", "ProductsTable", "RateLimitsTable", "StripeSecretKey"],
    settings: ["SWEEP_GRACE_SECONDS"],
  },
} as const satisfies Record<string, CronDeclaration>;

/**
 * The customer sign-in issuer: an OpenAuth issuer (email code, passwordless), on AWS `sst.aws.Auth`
 * named `resource` (a function with a function URL, and `storage` as OpenAuth's DynamoDB table,
 * signing keys included; infra/aws/auth.ts), locally served on its own port with the same table. API functions verify its
 * access tokens against AUTH_ISSUER_URL; tokens minted for any client id but `clientId` are refused.
 */
export const auth = {
  resource: "Auth",
  /** The storefront's OAuth client id: the only client, so the only audience accepted. */
  clientId: "storefront",
  /** The storefront route that receives the authorization code (the only redirect URI allowed). */
  callbackPath: "/auth/callback",
  issuer: {
    handler: "packages/functions/src/auth/issuer.handler",
    timeoutSeconds: 10,
    memoryMb: 512,
    // AccountsTable: customers and sign-in codes; RateLimitsTable: code requests and attempts;
    // Email: the SES identity the codes are sent from.
    link: ["AccountsTable", "RateLimitsTable", "Email"],
    // STOREFRONT_URL pins the redirect URI; OPERATOR_EMAILS adds the "operator" role at mint.
    settings: ["STOREFRONT_URL", "OPERATOR_EMAILS"],
  },
  /** OpenAuth's storage (pk/sk, TTL on `expiry`) as `sst.aws.Auth` makes it and names it (`${resource}Storage`), on AWS and locally. */
  storage: {
    resource: "AuthStorage",
    hashKey: "pk",
    rangeKey: "sk",
    attributes: { pk: "S", sk: "S" },
    globalIndexes: [],
    ttlAttribute: "expiry",
  },
} as const satisfies {
  resource: string;
  clientId: string;
  callbackPath: string;
  issuer: { handler: string; timeoutSeconds: number; memoryMb: number; link: readonly LinkableResource[]; settings: readonly FunctionSetting[] };
  storage: TableDeclaration;
};

/**
 * The HTTP API in front of `routes`. Browsers may call it from the storefront's origin only (the
 * origin is known per stage: the storefront's URL on AWS, STOREFRONT_URL locally).
 */
export const httpApi = {
  resource: "Api",
  cors: {
    allowHeaders: ["content-type", "authorization"],
    allowMethods: [...new Set(routes.map((route) => route.method))],
    maxAgeSeconds: 600,
  },
} as const;

/**
 * How long the catalog routes (GET /products, GET /products/{id}) may be cached: browsers for
 * `maxAgeSeconds`, the CDN in front of the API (the storefront router's `catalogPath` on AWS) for
 * `sharedMaxAgeSeconds`, then served stale for up to `staleWhileRevalidateSeconds` more while it
 * fetches a fresh copy. Stock shown is a display, seconds old; the reservation decides.
 */
export const catalogCaching = {
  maxAgeSeconds: 5,
  sharedMaxAgeSeconds: 5,
  staleWhileRevalidateSeconds: 10,
  /** Where the storefront's router serves the catalog routes through its cache, on AWS. */
  catalogPath: "/api/products",
} as const;

/** The Next.js storefront (web/), served through a CloudFront router on AWS. */
export const storefront = {
  resource: "Storefront",
  router: "StorefrontRouter",
  path: "web",
  /** The storefront's server reads the API's base URL from this variable at run time and hands it to the browser, so one build serves any stage. */
  apiUrlEnv: "NEXT_PUBLIC_API_URL",
  /** The sign-in issuer's URL, for the storefront's server (redirect to sign in, code exchange, refresh). */
  authUrlEnv: "AUTH_ISSUER_URL",
  /** The storefront's public URL, for its server: the sign-in callback the issuer allows is on it (not on the origin a request shows behind CloudFront). */
  publicUrlEnv: "STOREFRONT_URL",
  /** Where `next dev` listens under `sst dev`, so the API lets it in. */
  devUrl: "http://localhost:3000",
} as const;

/** Powertools names shared by every function: one service, one CloudWatch metrics namespace. */
export const observability = { serviceName: "shopwave", metricsNamespace: "Shopwave", logLevel: "INFO" } as const;

/**
 * Every logical resource a function may link: a misspelt link is a type error here rather than
 * a missing `Resource.X` at run time on AWS. (A queue's consumer links tables and secrets only.)
 */
export type LinkableResource =
  | TableResource
  | (typeof queues)[keyof typeof queues]["resource"]
  | (typeof queues)[keyof typeof queues]["deadLetter"]["resource"]
  | (typeof eventConsumers)[keyof typeof eventConsumers]["resource"]
  | (typeof eventConsumers)[keyof typeof eventConsumers]["deadLetter"]["resource"]
  | (typeof streams)[keyof typeof streams]["onFailure"]["resource"]
  | BusResource
  | SecretResource
  | EmailResource;
export type TableResource = (typeof tables)[keyof typeof tables]["resource"];
export type SecretResource = (typeof secrets)[keyof typeof secrets]["resource"];

/**
 * The SES identity transactional email is sent from (sst.aws.Email): an address verified per stage,
 * given to `sst deploy` in EMAIL_SENDER. Handlers read it as `Resource.Email.sender`; locally the
 * stack supplies `localSender` through the same channel (its SES accepts any sender).
 */
export const email = { resource: "Email", senderEnv: "EMAIL_SENDER", localSender: "orders@shopwave.localhost" } as const;
export type EmailResource = (typeof email)["resource"];

/** Secrets are set per stage with `sst secret set <name> <value>`; locally they come from .env. */
export const secrets = {
  stripeSecretKey: { resource: "StripeSecretKey", env: "STRIPE_SECRET_KEY" },
  stripeWebhookSecret: { resource: "StripeWebhookSecret", env: "STRIPE_WEBHOOK_SECRET" },
} as const;

/**
 * Lambda runtime and architecture for every function: Node 24 LTS, the major of .nvmrc that the
 * tests and CI run on too (one runtime everywhere; the AWS SDK's 2027 releases need Node ≥ 22).
 */
export const lambdaRuntime = { runtime: "nodejs24.x", architecture: "arm64" } as const;
