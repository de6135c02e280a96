// The console's order listing: one status at a time, newest first, optionally within a creation
// date range, paged by a cursor, read from the `byStatus` index (never a scan). Each status is
// spread over a few index shards; a page queries every shard for a page's worth below the cursor
// and merges them, so the cursor is just the sort key of the last order shown.
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { NotFound, ValidationFailed } from "../shared/domain-error";
import type { Store } from "../shared/store";
import { OrderId, OrderRecord, OrderStatus } from "../orders/order";
import { getOrderRecord } from "../orders/order-store";
import { refundedCents } from "./refund-order";

export const MAX_ORDERS_PAGE = 100;

export const OrderListQuery = z
  .object({
    status: OrderStatus,
    /** Created at or after (ISO 8601). */
    from: z.iso.datetime().optional(),
    /** Created before (ISO 8601). */
    to: z.iso.datetime().optional(),
    limit: z.coerce.number().int().min(1).max(MAX_ORDERS_PAGE).default(25),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type OrderListQuery = z.infer<typeof OrderListQuery>;

/** What an operator sees of an order: everything but the access token's hash and index bookkeeping. */
export type AdminOrder = Omit<OrderRecord, "accessTokenHash" | "pendingShard" | "statusShard" | "listedAt" | "holds"> & {
  refundedCents: number;
};

export function toAdminOrder(record: OrderRecord): AdminOrder {
  const { accessTokenHash: _hash, pendingShard: _pending, statusShard: _status, listedAt: _listed, holds: _holds, ...rest } = record;
  return { ...rest, refundedCents: refundedCents(record) };
}

export interface AdminOrderPage {
  orders: AdminOrder[];
  nextCursor?: string;
}

const invalidCursor = () => new ValidationFailed("The cursor is not valid; use the nextCursor of a previous page.");

function decodeCursor(cursor: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const result = z.object({ before: z.string().min(1).max(120) }).strict().safeParse(parsed);
  if (!result.success) throw invalidCursor();
  return result.data.before;
}

export async function listOrdersByStatus(store: Store, query: OrderListQuery): Promise<AdminOrderPage> {
  const index = store.indexes.byStatus;
  // listedAt is `<createdAt>#<id>`: "< to" excludes orders created at `to`, ">= from" includes `from`.
  const upper = query.cursor !== undefined ? decodeCursor(query.cursor) : (query.to ?? "\uffff");
  const lower = query.from ?? "0"; // below every ISO date (a key value may not be empty)
  if (lower > upper) throw new ValidationFailed("`from` must be before `to`.");
  const shards = await Promise.all(
    Array.from({ length: index.shardCount }, (_, shard) =>
      store.db.send(
        new QueryCommand({
          TableName: store.tables.orders,
          IndexName: index.name,
          // BETWEEN is inclusive; the one item equal to the cursor is dropped below (one extra asked for).
          KeyConditionExpression: "statusShard = :shard AND listedAt BETWEEN :lower AND :upper",
          ExpressionAttributeValues: { ":shard": `${query.status}#${shard}`, ":lower": lower, ":upper": upper },
          ScanIndexForward: false,
          Limit: query.limit + 1,
        }),
      ),
    ),
  );
  const merged = shards
    .flatMap((result) => result.Items ?? [])
    .filter((item) => item.listedAt !== upper)
    .sort((a, b) => (a.listedAt < b.listedAt ? 1 : -1));
  // A shard that filled its Limit may hold more (at worst the next page is empty).
  const more = merged.length > query.limit || shards.some((result) => result.LastEvaluatedKey !== undefined);
  const page = merged.slice(0, query.limit);
  const orders = page.map((item) => toAdminOrder(OrderRecord.parse(item)));
  const last = page.at(-1);
  return more && last ? { orders, nextCursor: Buffer.from(JSON.stringify({ before: last.listedAt })).toString("base64url") } : { orders };
}

export async function getAdminOrder(store: Store, orderId: string): Promise<AdminOrder> {
  if (!OrderId.safeParse(orderId).success) throw new NotFound("Order");
  const record = await getOrderRecord(store, orderId);
  if (!record) throw new NotFound("Order");
  return toAdminOrder(record);
}
