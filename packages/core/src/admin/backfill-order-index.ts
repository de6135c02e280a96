// One-off maintenance: gives orders written before the console's `byStatus` index existed their
// index keys (`statusShard` from their current status, `listedAt` from creation), so the console
// lists them. It reads the orders table with a Scan, page by page: a maintenance job run once per
// stage, not a request path (the console itself never scans). Each write only fills what is absent
// (`if_not_exists`) and only while the order still has the status it was read with, so a
// concurrent transition (which rewrites `statusShard` itself) is never overwritten: the order is
// read again and its keys derived from the status it has now. Running it again, or resuming it
// from a page's cursor, changes nothing already done. No status changes, so no order event is
// published for these writes (order-events/derive-order-events.ts).
import { GetCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../shared/dynamodb-errors";
import type { Store } from "../shared/store";
import type { OrderStatus } from "../orders/order";
import { listedAtFor, statusShardFor } from "../orders/order-store";

export interface BackfillPage {
  /** Orders read on this page that lacked a key. */
  missing: number;
  /** Orders this page gave their keys. */
  updated: number;
  /** Missing on the scan, indexed by the time of the write (a transition or another run did it). */
  alreadyIndexed: number;
  /** Where to resume after this page; absent after the last one. */
  cursor?: string;
}

export interface BackfillTotals {
  pages: number;
  missing: number;
  updated: number;
  alreadyIndexed: number;
}

interface Unindexed {
  id: string;
  status: OrderStatus;
  createdAt: string;
}

/** How often one order is read again after a concurrent transition, before the run gives up on it. */
const MAX_ATTEMPTS = 5;

/** Gives one order its index keys; false when it had them already. */
async function indexOrder(store: Store, order: Unindexed): Promise<boolean> {
  let current: Unindexed | undefined = order;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      await store.db.send(
        new UpdateCommand({
          TableName: store.tables.orders,
          Key: { id: current.id },
          UpdateExpression: "SET statusShard = if_not_exists(statusShard, :shard), listedAt = if_not_exists(listedAt, :listedAt)",
          ConditionExpression: "#status = :status AND (attribute_not_exists(statusShard) OR attribute_not_exists(listedAt))",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":status": current.status,
            ":shard": statusShardFor(current.id, current.status, store.indexes.byStatus.shardCount),
            ":listedAt": listedAtFor(current),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Indexed meanwhile, or its status moved on: look again.
    const { Item } = await store.db.send(new GetCommand({ TableName: store.tables.orders, Key: { id: order.id }, ConsistentRead: true }));
    if (!Item || (Item.statusShard !== undefined && Item.listedAt !== undefined)) return false;
    current = { id: String(Item.id), status: Item.status as OrderStatus, createdAt: String(Item.createdAt) };
  }
  throw new Error(`Order ${order.id} kept changing while it was being indexed; run the backfill again.`);
}

const encode = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString("base64url");
const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;

/**
 * Indexes every order without the `byStatus` keys, one Scan page at a time from `cursor` (a
 * previous page's), reporting each page to `onPage` (progress, and the cursor to resume from).
 */
export async function backfillOrderIndex(
  store: Store,
  options: { cursor?: string; pageSize?: number; onPage?: (page: BackfillPage) => void | Promise<void> } = {},
): Promise<BackfillTotals> {
  const totals: BackfillTotals = { pages: 0, missing: 0, updated: 0, alreadyIndexed: 0 };
  let startKey = options.cursor ? decode(options.cursor) : undefined;
  do {
    const page = await store.db.send(
      new ScanCommand({
        TableName: store.tables.orders,
        // The limit counts items read, before the filter: a page is `pageSize` orders of the table.
        Limit: options.pageSize ?? 100,
        FilterExpression: "attribute_not_exists(statusShard) OR attribute_not_exists(listedAt)",
        ProjectionExpression: "id, #status, createdAt",
        ExpressionAttributeNames: { "#status": "status" },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const orders = (page.Items ?? []) as Unindexed[];
    let updated = 0;
    for (const order of orders) if (await indexOrder(store, order)) updated++;
    startKey = page.LastEvaluatedKey;
    const report: BackfillPage = { missing: orders.length, updated, alreadyIndexed: orders.length - updated, ...(startKey ? { cursor: encode(startKey) } : {}) };
    totals.pages++;
    totals.missing += report.missing;
    totals.updated += report.updated;
    totals.alreadyIndexed += report.alreadyIndexed;
    await options.onPage?.(report);
  } while (startKey);
  return totals;
}
