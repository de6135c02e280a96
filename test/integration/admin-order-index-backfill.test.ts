// The byStatus backfill (core/admin/backfill-order-index.ts) on the local stack: orders written
// before the index existed (their index keys removed here) are missing from the console's list
// until it runs, then listed under their current status; a transition racing the backfill keeps
// its own (newer) key; a run resumed from a page's cursor, or run again, changes nothing more.
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfillOrderIndex, type BackfillPage } from "@shopwave/core/admin/backfill-order-index";
import { listedAtFor, statusShardFor } from "@shopwave/core/orders/order-store";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { STATUS_SHARD_COUNT } from "@shopwave/infra/topology";
import { placeOrder, startTestStack, type PlacedOrder, type TestStack } from "../support/test-stack";
import { startTestIssuer, type TestIssuer } from "../support/token-signer";

let t: TestStack;
let issuer: TestIssuer;
let operatorToken: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  t = await startTestStack({ handlerEnv: { AUTH_ISSUER_URL: issuer.url } });
  operatorToken = await issuer.sign({ customerId: "cus_0000000000000000000000oper", email: "ops@shop.example", roles: ["customer", "operator"] });
});
afterAll(async () => {
  await t?.stop();
  await issuer?.stop();
});

const listed = async (status: string): Promise<string[]> => {
  const answer = await t.api.get(`/admin/orders?status=${status}&limit=100`, { authorization: `Bearer ${operatorToken}` });
  expect(answer.status).toBe(200);
  return answer.body.orders.map((order: { id: string }) => order.id);
};

/** What an order written before the index looks like: no statusShard, no listedAt. */
async function unindex(orderId: string, keys: ("statusShard" | "listedAt")[] = ["statusShard", "listedAt"]) {
  await t.db.send(new UpdateCommand({ TableName: t.store.tables.orders, Key: { id: orderId }, UpdateExpression: `REMOVE ${keys.join(", ")}` }));
}

const cancel = (order: PlacedOrder) => t.api.raw("POST", `/orders/${order.order.id}/cancel`, { headers: { authorization: `Bearer ${order.accessToken}` } });

describe("the byStatus backfill", () => {
  it("indexes old orders under their status, never overwrites a racing transition's key, and resumes or reruns without change", async () => {
    const product = seedProducts[6]!;
    const old = [await placeOrder(t.api, product.id), await placeOrder(t.api, product.id), await placeOrder(t.api, product.id)];
    const racing = await placeOrder(t.api, product.id);
    // Cancelled after the index existed but placed before: the transition wrote statusShard, never listedAt.
    const halfIndexed = await placeOrder(t.api, product.id);
    for (const order of [...old, racing]) await unindex(order.order.id);
    await unindex(halfIndexed.order.id, ["listedAt"]);
    expect((await cancel(halfIndexed)).status).toBe(200);
    const ids = [...old, racing].map((order) => order.order.id);
    for (const id of ids) expect(await listed("PENDING_PAYMENT")).not.toContain(id);
    expect(await listed("CANCELLED")).not.toContain(halfIndexed.order.id);

    // The racing order is cancelled between the scan that read it (as PENDING_PAYMENT) and its write.
    let raced = false;
    const racingStore = {
      ...t.store,
      db: {
        send: async (command: { input?: { Key?: { id?: string } } }) => {
          if (command instanceof UpdateCommand && command.input.Key?.id === racing.order.id && !raced) {
            raced = true;
            expect((await cancel(racing)).status).toBe(200);
          }
          return t.db.send(command as never);
        },
      } as unknown as typeof t.store.db,
    };
    const pages: BackfillPage[] = [];
    const totals = await backfillOrderIndex(racingStore, { pageSize: 2, onPage: (page) => void pages.push(page) });
    expect(raced).toBe(true);
    expect(totals).toMatchObject({ missing: 5, updated: 5, alreadyIndexed: 0 });
    expect(pages.length).toBe(totals.pages);
    expect(pages.at(-1)!.cursor).toBeUndefined();
    expect(pages.slice(0, -1).every((page) => typeof page.cursor === "string")).toBe(true);

    const pending = await listed("PENDING_PAYMENT");
    for (const order of old) expect(pending).toContain(order.order.id);
    expect(pending).not.toContain(racing.order.id);
    const cancelled = await listed("CANCELLED");
    expect(cancelled).toEqual(expect.arrayContaining([racing.order.id, halfIndexed.order.id]));
    // The racing order's key is its new status's (the transition's), and listedAt is its creation.
    const { Item: record } = await t.db.send(new GetCommand({ TableName: t.store.tables.orders, Key: { id: racing.order.id }, ConsistentRead: true }));
    expect(record).toMatchObject({
      status: "CANCELLED",
      statusShard: statusShardFor(racing.order.id, "CANCELLED", STATUS_SHARD_COUNT),
      listedAt: listedAtFor({ id: racing.order.id, createdAt: String(record!.createdAt) }),
    });

    // Resumed from the first page's cursor, or run again from the start: nothing left to do.
    expect(await backfillOrderIndex(t.store, { cursor: pages[0]!.cursor!, pageSize: 2 })).toMatchObject({ missing: 0, updated: 0 });
    expect(await backfillOrderIndex(t.store)).toMatchObject({ missing: 0, updated: 0 });
  });
});
