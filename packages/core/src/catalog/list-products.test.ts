// Catalog pages against DynamoDB Local: the cursor walks every product exactly once, the page
// size is capped, and a tampered cursor is a validation error rather than a database error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
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
