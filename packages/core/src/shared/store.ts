// What core needs from its environment to reach DynamoDB: a document client, table names and
// the pending-orders index. Handlers build it once per container from infra's topology and
// SST's linked resources; tests build it against the local stack.
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface Store {
  readonly db: DynamoDBDocumentClient;
  readonly tables: {
    readonly products: string;
    readonly orders: string;
    /** Only handlers that rate-limit read it (functions resolve table names lazily). */
    readonly rateLimits: string;
    /** Each order's timeline (order-events/order-timeline.ts). */
    readonly orderTimeline: string;
    /** Per-product sales counters (order-events/sales-counters.ts). */
    readonly salesCounters: string;
  };
  readonly indexes: {
    readonly pendingByExpiry: { readonly name: string; readonly shardCount: number };
    /** A shopper's orders by normalized email, newest first (customer history, operator search). */
    readonly byEmail: { readonly name: string };
    /** The console's orders-by-status listing (admin/list-orders.ts); every status write keeps it current. */
    readonly byStatus: { readonly name: string; readonly shardCount: number };
  };
}
