// Reading products by id against DynamoDB Local, and getProducts' retry of the keys a throttled
// BatchGet leaves unprocessed (staged on a scripted client).
import { BatchGetCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { NotFound } from "../shared/domain-error";
import type { Store } from "../shared/store";
import { stockItemsOf } from "../inventory/stock-shards";
import { getProduct, getProducts, getProductsWithShards } from "./get-product";
import type { Product } from "./product";
import { instantWaits } from "../../../../test/support/instant-waits";

let u: UnitStore;
let mug: Product;
let lamp: Product;
beforeAll(async () => {
  u = await createUnitStore();
  mug = testProduct({ name: "Mug" });
  lamp = testProduct({ name: "Lamp", currency: "eur", maxPerCustomer: 2 });
  await u.putProduct(mug);
  await u.putProduct(lamp);
});
afterAll(() => u?.destroy());
afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * A client whose BatchGet answers only the first key of each request from the products here and
 * leaves the rest unprocessed, `times` times, then answers in full (in memory, so no SDK timers
 * run alongside the backoff's).
 */
function throttled(times: number): { store: Store; batches: string[][] } {
  const batches: string[][] = [];
  const table = u.store.tables.products;
  const shelf = new Map([mug, lamp].map((product) => [product.id, product]));
  let left = times;
  const db = {
    send: async (command: unknown) => {
      if (!(command instanceof BatchGetCommand)) throw new Error("only BatchGet is expected");
      const keys = command.input.RequestItems![table]!.Keys as { id: string }[];
      batches.push(keys.map((key) => key.id));
      const answered = left > 0 ? keys.slice(0, 1) : keys;
      const unprocessed = left > 0 ? keys.slice(1) : [];
      left--;
      return {
        Responses: { [table]: answered.flatMap((key) => (shelf.has(key.id) ? [shelf.get(key.id)] : [])) },
        UnprocessedKeys: unprocessed.length > 0 ? { [table]: { Keys: unprocessed } } : {},
      };
    },
  };
  return { store: { ...u.store, db: db as unknown as DynamoDBDocumentClient }, batches };
}


describe("getProduct", () => {
  it("reads one product", async () => {
    expect(await getProduct(u.store, lamp.id)).toEqual(lamp);
  });

  it("says which product was not found", async () => {
    const error = await getProduct(u.store, "no-such-product").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFound);
    expect((error as NotFound).message).toBe("Product no-such-product was not found.");
  });
});

describe("getProducts", () => {
  it("maps the ids that exist, once each, and leaves the others out", async () => {
    const found = await getProducts(u.store, [mug.id, "no-such-product", lamp.id, mug.id]);
    expect([...found.keys()].sort()).toEqual([mug.id, lamp.id].sort());
    expect(found.get(mug.id)).toEqual(mug);
    expect(found.get(lamp.id)).toEqual(lamp);
  });

  it("asks again for the keys left unprocessed, backing off", async () => {
    const waits = instantWaits();
    const { store, batches } = throttled(2);
    const found = await getProducts(store, [mug.id, lamp.id, "no-such-product"]);
    expect([...found.keys()].sort()).toEqual([mug.id, lamp.id].sort());
    expect(batches).toEqual([[mug.id, lamp.id, "no-such-product"], [lamp.id, "no-such-product"], ["no-such-product"]]);
    expect(waits).toEqual([50, 100]);
  });

  it("gives up when the keys keep coming back unprocessed", async () => {
    const waits = instantWaits();
    const { store, batches } = throttled(100);
    const ids = Array.from({ length: 12 }, (_, i) => `p-${i}`);
    await expect(getProducts(store, ids)).rejects.toThrow("DynamoDB kept returning unprocessed keys while reading products.");
    expect(batches).toHaveLength(9);
    expect(waits).toEqual([50, 100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  });
});

describe("read consistency", () => {
  /** The real store, recording the consistency each read asked for. */
  function recording() {
    const reads: { command: string; consistent: boolean | undefined }[] = [];
    const db = {
      send: (command: unknown) => {
        if (command instanceof GetCommand) reads.push({ command: "Get", consistent: command.input.ConsistentRead });
        if (command instanceof BatchGetCommand) {
          for (const request of Object.values(command.input.RequestItems!)) reads.push({ command: "BatchGet", consistent: request.ConsistentRead });
        }
        return u.store.db.send(command as never);
      },
    };
    return { store: { ...u.store, db: db as unknown as DynamoDBDocumentClient }, reads };
  }

  it("reads a product page and its shards eventually consistent, and an order's products and shards strongly", async () => {
    const { product, shards } = stockItemsOf(testProduct({ stock: 9, stockShards: 3 }));
    await u.putProduct(product);
    for (const item of shards) await u.store.db.send(new PutCommand({ TableName: u.store.tables.products, Item: item }));
    const page = recording();
    expect((await getProduct(page.store, product.id)).stock).toBe(9);
    expect(page.reads).toEqual([
      { command: "Get", consistent: undefined },
      { command: "BatchGet", consistent: false },
    ]);
    const order = recording();
    expect((await getProductsWithShards(order.store, [product.id])).availableByShard.get(product.id)).toEqual([3, 3, 3]);
    expect(order.reads).toEqual([
      { command: "BatchGet", consistent: true },
      { command: "BatchGet", consistent: true },
    ]);
  });
});
