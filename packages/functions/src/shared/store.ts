// Core's Store for a handler: linked table names are read lazily, so a handler linked to only
// the products table never touches the orders table's binding.
import type { Store } from "@shopwave/core/shared/store";
import { PENDING_SHARD_COUNT, STATUS_SHARD_COUNT, tables } from "@shopwave/infra/topology";
import { Resource } from "sst";
import { documentClient } from "./dynamodb";

function indexNamed(name: (typeof tables.orders.globalIndexes)[number]["name"]): string {
  return tables.orders.globalIndexes.find((index) => index.name === name)!.name;
}

export const store: Store = {
  db: documentClient,
  tables: {
    get products() {
      return Resource.ProductsTable.name;
    },
    get orders() {
      return Resource.OrdersTable.name;
    },
    get rateLimits() {
      return Resource.RateLimitsTable.name;
    },
    get orderTimeline() {
      return Resource.OrderTimelineTable.name;
    },
    get salesCounters() {
      return Resource.SalesCountersTable.name;
    },
  },
  indexes: {
    pendingByExpiry: { name: indexNamed("pendingByExpiry"), shardCount: PENDING_SHARD_COUNT },
    byEmail: { name: indexNamed("byEmail") },
    byStatus: { name: indexNamed("byStatus"), shardCount: STATUS_SHARD_COUNT },
  },
};
