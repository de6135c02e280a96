// backfillOrderIndex against DynamoDB Local, on this file's own tables (so the scan sees only the
// orders written here): keys derived from each order's current status, a page cursor that resumes
// where a stopped run left off, a transition racing the write winning, and a run that gives up
// loudly on an order that never settles. (On the whole local stack, through the console's list:
// test/integration/admin-order-index-backfill.test.ts.)
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { OrderRecord, OrderStatus } from "../orders/order";
import { listedAtFor, statusShardFor } from "../orders/order-store";
import { backfillOrderIndex, type BackfillPage } from "./backfill-order-index";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const product = testProduct();
const shardCount = () => u.store.indexes.byStatus.shardCount;

/** An order as written before the index existed: without statusShard and/or listedAt. */
async function oldOrder(status: OrderStatus, missing: ("statusShard" | "listedAt")[] = ["statusShard", "listedAt"]): Promise<OrderRecord> {
  const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  const order = { ...record, status };
  await u.putOrder(order);
  await u.store.db.send(new UpdateCommand({ TableName: u.store.tables.orders, Key: { id: order.id }, UpdateExpression: `REMOVE ${missing.join(", ")}` }));
  return order;
}

const keysOf = async (orderId: string) => {
  const item = await u.orderRecord(orderId);
  return { status: item?.status, statusShard: item?.statusShard, listedAt: item?.listedAt };
};
const indexedAs = (order: Pick<OrderRecord, "id" | "createdAt">, status: OrderStatus) => ({ status, statusShard: statusShardFor(order.id, status, shardCount()), listedAt: listedAtFor(order) });

/** The store with `before` run ahead of each write (an UpdateCommand) that the backfill sends for `orderId`. */
function storeRacing(orderId: string, before: (attempt: number) => Promise<void>) {
  let attempts = 0;
  const db = {
    send: async (command: unknown) => {
      if (command instanceof UpdateCommand && command.input.Key?.id === orderId) await before(++attempts);
      return u.store.db.send(command as never);
    },
  } as unknown as typeof u.store.db;
  return { store: { ...u.store, db }, attempts: () => attempts };
}

const setStatus = (orderId: string, status: OrderStatus) =>
  u.store.db.send(
    new UpdateCommand({
      TableName: u.store.tables.orders,
      Key: { id: orderId },
      UpdateExpression: "SET #status = :status, statusShard = :shard",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":status": status, ":shard": statusShardFor(orderId, status, shardCount()) },
    }),
  );

beforeEach(async () => {
  // Each test starts from a table where every order is indexed.
  await backfillOrderIndex(u.store);
});

describe("backfillOrderIndex", () => {
  it("gives each old order the keys of its current status and creation, and leaves an indexed order's keys as they are", async () => {
    const pending = await oldOrder("PENDING_PAYMENT");
    const confirmed = await oldOrder("CONFIRMED");
    const refunded = await oldOrder("REFUNDED", ["listedAt"]);
    const { record: indexed } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: 0 });
    // An indexed order whose key a transition wrote: the backfill must not touch it.
    await u.putOrder({ ...indexed, statusShard: "CANCELLED#0", listedAt: "kept" });
    const totals = await backfillOrderIndex(u.store);
    expect(totals).toEqual({ pages: 1, missing: 3, updated: 3, alreadyIndexed: 0 });
    expect(await keysOf(pending.id)).toEqual(indexedAs(pending, "PENDING_PAYMENT"));
    expect(await keysOf(confirmed.id)).toEqual(indexedAs(confirmed, "CONFIRMED"));
    // Only listedAt was missing: the statusShard it had is kept (written by its own transition).
    expect(await keysOf(refunded.id)).toEqual({ ...indexedAs(refunded, "REFUNDED"), statusShard: statusShardFor(refunded.id, "PENDING_PAYMENT", shardCount()) });
    expect(await keysOf(indexed.id)).toEqual({ status: "PENDING_PAYMENT", statusShard: "CANCELLED#0", listedAt: "kept" });
    expect(await backfillOrderIndex(u.store)).toEqual({ pages: 1, missing: 0, updated: 0, alreadyIndexed: 0 });
  });

  it("reports page by page with a cursor, and a stopped run resumed from its last cursor indexes the rest", async () => {
    const orders = [];
    for (let i = 0; i < 5; i++) orders.push(await oldOrder("PENDING_PAYMENT"));
    const pages: BackfillPage[] = [];
    const stopped = await backfillOrderIndex(u.store, {
      pageSize: 2,
      onPage: (page) => {
        pages.push(page);
        if (pages.length === 1) throw new Error("operator pressed Ctrl-C");
      },
    }).catch((error: unknown) => error);
    expect(stopped).toEqual(new Error("operator pressed Ctrl-C"));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.cursor).toEqual(expect.any(String));
    const done = pages[0]!.updated;
    const resumed: BackfillPage[] = [];
    const totals = await backfillOrderIndex(u.store, { pageSize: 2, cursor: pages[0]!.cursor!, onPage: (page) => void resumed.push(page) });
    expect(done + totals.updated).toBe(5);
    expect(totals.pages).toBe(resumed.length);
    expect(resumed.length).toBeGreaterThan(1);
    expect(resumed.at(-1)!.cursor).toBeUndefined();
    expect(resumed.slice(0, -1).every((page) => typeof page.cursor === "string")).toBe(true);
    for (const order of orders) expect(await keysOf(order.id)).toEqual(indexedAs(order, "PENDING_PAYMENT"));
    expect(totals.missing).toBe(resumed.reduce((sum, page) => sum + page.missing, 0));
  });

  it("reads 100 orders a page unless told otherwise", async () => {
    for (let i = 0; i < 3; i++) await oldOrder("CONFIRMED");
    const sent: number[] = [];
    const db = { send: (command: { input: { Limit?: number } }) => (sent.push(command.input.Limit ?? -1), u.store.db.send(command as never)) } as unknown as typeof u.store.db;
    await backfillOrderIndex({ ...u.store, db });
    expect(sent[0]).toBe(100);
  });

  it("indexes an order cancelled between the scan and the write under its new status", async () => {
    const order = await oldOrder("PENDING_PAYMENT");
    const racing = storeRacing(order.id, async (attempt) => {
      if (attempt === 1) await setStatus(order.id, "CANCELLED");
    });
    expect(await backfillOrderIndex(racing.store)).toMatchObject({ missing: 1, updated: 1, alreadyIndexed: 0 });
    expect(racing.attempts()).toBe(2);
    expect(await keysOf(order.id)).toEqual(indexedAs(order, "CANCELLED"));
  });

  it("counts an order indexed by someone else meanwhile as already indexed, and writes nothing over it", async () => {
    const order = await oldOrder("PENDING_PAYMENT");
    const racing = storeRacing(order.id, async (attempt) => {
      if (attempt === 1) {
        await u.store.db.send(
          new UpdateCommand({ TableName: u.store.tables.orders, Key: { id: order.id }, UpdateExpression: "SET statusShard = :shard, listedAt = :at", ExpressionAttributeValues: { ":shard": "X#1", ":at": "other run" } }),
        );
      }
    });
    expect(await backfillOrderIndex(racing.store)).toMatchObject({ missing: 1, updated: 0, alreadyIndexed: 1 });
    expect(racing.attempts()).toBe(1);
    expect(await keysOf(order.id)).toMatchObject({ statusShard: "X#1", listedAt: "other run" });
  });

  it("counts an order deleted meanwhile as nothing to do", async () => {
    const order = await oldOrder("CANCELLED");
    const racing = storeRacing(order.id, async () => {
      await u.store.db.send(new UpdateCommand({ TableName: u.store.tables.orders, Key: { id: order.id }, UpdateExpression: "SET #status = :other", ExpressionAttributeNames: { "#status": "status" }, ExpressionAttributeValues: { ":other": "REFUNDED" } }));
      await u.store.db.send(new DeleteCommand({ TableName: u.store.tables.orders, Key: { id: order.id } }));
    });
    expect(await backfillOrderIndex(racing.store)).toMatchObject({ missing: 1, updated: 0, alreadyIndexed: 1 });
    expect(await u.orderRecord(order.id)).toBeUndefined();
  });

  it("gives up on an order whose status keeps moving, after 5 tries, naming it", async () => {
    const order = await oldOrder("PENDING_PAYMENT");
    const statuses: OrderStatus[] = ["CONFIRMED", "REFUNDED", "CANCELLED"];
    const racing = storeRacing(order.id, async (attempt) => {
      await setStatus(order.id, statuses[attempt % statuses.length]!);
      // Keep it looking unindexed to the next read.
      await u.store.db.send(new UpdateCommand({ TableName: u.store.tables.orders, Key: { id: order.id }, UpdateExpression: "REMOVE listedAt" }));
    });
    await expect(backfillOrderIndex(racing.store)).rejects.toThrow(`Order ${order.id} kept changing while it was being indexed; run the backfill again.`);
    expect(racing.attempts()).toBe(5);
  });

  it("lets an outage through as it is, not as a lost race", async () => {
    const order = await oldOrder("PENDING_PAYMENT");
    const outage = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const racing = storeRacing(order.id, () => Promise.reject(outage));
    await expect(backfillOrderIndex(racing.store)).rejects.toBe(outage);
    expect(racing.attempts()).toBe(1);
  });

  it("reads the order back consistently after a refused write", async () => {
    const order = await oldOrder("PENDING_PAYMENT");
    const reads: boolean[] = [];
    const db = {
      send: async (command: unknown) => {
        if (command instanceof GetCommand) reads.push(command.input.ConsistentRead === true);
        if (command instanceof UpdateCommand && command.input.Key?.id === order.id && reads.length === 0) await setStatus(order.id, "CONFIRMED");
        return u.store.db.send(command as never);
      },
    } as unknown as typeof u.store.db;
    await backfillOrderIndex({ ...u.store, db });
    expect(reads).toEqual([true]);
  });
});
