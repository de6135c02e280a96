// Catalog pages against DynamoDB Local: the cursor walks every product exactly once, the page
// size is capped, and a tampered cursor is a validation error rather than a database error.
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { stockItemsOf } from "../inventory/stock-shards";
import { ValidationFailed } from "../shared/domain-error";
import { decodeCursor, encodeCursor } from "./page-cursor";
import { listProducts, MAX_PAGE_SIZE } from "./list-products";
import type { Product } from "./product";

let u: UnitStore;
const products: Product[] = [];
beforeAll(async () => {
  u = await createUnitStore();
  for (let i = 0; i < 5; i++) products.push(testProduct({ name: `Product ${i}` }));
  await Promise.all(products.map((product) => u.putProduct(product)));
});
afterAll(() => u?.destroy());

describe("listProducts", () => {
  it("pages through every product exactly once, the last page without a cursor", async () => {
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await listProducts(u.store, { limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 10);
    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(pages.at(-1)).not.toHaveProperty("nextCursor");
    const seen = pages.flatMap((page) => page.items);
    expect(seen.map((p) => p.id).sort()).toEqual(products.map((p) => p.id).sort());
    expect(seen.find((p) => p.id === products[0]!.id)).toEqual(products[0]);
    // The cursor names the last product of its page.
    expect(decodeCursor(pages[0]!.nextCursor!)).toEqual({ id: pages[0]!.items[1]!.id });
  });

  it("answers every product on one page when the limit allows", async () => {
    const page = await listProducts(u.store, { limit: 10 });
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toBeUndefined();
  });

  it("starts after the cursor's product", async () => {
    const first = await listProducts(u.store, { limit: 1 });
    const rest = await listProducts(u.store, { limit: 10, cursor: encodeCursor({ id: first.items[0]!.id }) });
    expect(rest.items.map((p) => p.id)).not.toContain(first.items[0]!.id);
    expect(rest.items).toHaveLength(4);
  });

  it("refuses a tampered cursor before reading", async () => {
    await expect(listProducts(u.store, { limit: 2, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it(`never answers more than ${MAX_PAGE_SIZE} products at once`, async () => {
    const big = await createUnitStore();
    try {
      await Promise.all(Array.from({ length: MAX_PAGE_SIZE + 1 }, () => big.putProduct(testProduct())));
      const page = await listProducts(big.store, { limit: 1000 });
      expect(page.items).toHaveLength(MAX_PAGE_SIZE);
      expect(page.nextCursor).toBeDefined();
    } finally {
      await big.destroy();
    }
  });
});

describe("listProducts on sharded stock", () => {
  it("sums a sharded product's shards with an eventually consistent read, as a page of the catalog may lag", async () => {
    const own = await createUnitStore();
    try {
      const { product, shards } = stockItemsOf(testProduct({ stock: 7, stockShards: 2 }));
      await own.putProduct(product);
      for (const item of shards) await own.store.db.send(new PutCommand({ TableName: own.store.tables.products, Item: item }));
      const consistent: (boolean | undefined)[] = [];
      const db = {
        send: (command: unknown) => {
          if (command instanceof BatchGetCommand) consistent.push(...Object.values(command.input.RequestItems!).map((request) => request.ConsistentRead));
          return own.store.db.send(command as never);
        },
      };
      const page = await listProducts({ ...own.store, db: db as unknown as DynamoDBDocumentClient }, { limit: 10 });
      expect(page.items.map((item) => [item.id, item.stock])).toEqual([[product.id, 7]]);
      expect(consistent).toEqual([false]);
    } finally {
      await own.destroy();
    }
  });
});
