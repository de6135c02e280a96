import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Product } from "@shopwave/core/catalog/product";
import { FLASH_SALE_PRODUCT_ID, seedProducts } from "./seed-catalog";

const webPublic = fileURLToPath(new URL("../../../../web/public", import.meta.url));

describe("the seed catalog", () => {
  it("has at least 14 products", () => {
    expect(seedProducts.length).toBeGreaterThanOrEqual(14);
  });

  it.each(seedProducts.map((product) => [product.id, product] as const))("%s parses with the Product schema", (_id, product) => {
    expect(Product.parse(product)).toEqual(product);
  });

  it("has unique ids and names", () => {
    expect(new Set(seedProducts.map((p) => p.id)).size).toBe(seedProducts.length);
    expect(new Set(seedProducts.map((p) => p.name)).size).toBe(seedProducts.length);
  });

  it("prices in usd cents from about $6 to about $280", () => {
    const prices = seedProducts.map((p) => p.priceCents);
    expect(seedProducts.every((p) => p.currency === "usd")).toBe(true);
    expect(Math.min(...prices)).toBeLessThanOrEqual(700);
    expect(Math.max(...prices)).toBeGreaterThanOrEqual(25_000);
    expect(Math.max(...prices)).toBeLessThanOrEqual(30_000);
  });

  it("includes a low-stock item, a last item and the flash-sale lantern", () => {
    expect(seedProducts.some((p) => p.stock === 3)).toBe(true);
    expect(seedProducts.some((p) => p.stock === 1)).toBe(true);
    expect(seedProducts.find((p) => p.id === FLASH_SALE_PRODUCT_ID)?.stock).toBe(25);
  });

  it("keeps the first products well stocked for tests that order them", () => {
    expect(seedProducts.slice(0, 10).every((p) => p.stock >= 10 && p.id !== FLASH_SALE_PRODUCT_ID)).toBe(true);
  });

  it.each(seedProducts.map((product) => [product.id, product] as const))("%s has its image on disk", (id, product) => {
    expect(product.imageUrl).toBe(`/images/products/${id}.svg`);
    const file = path.join(webPublic, product.imageUrl);
    expect(existsSync(file), `${file} is missing`).toBe(true);
    expect(statSync(file).size).toBeLessThan(6 * 1024);
  });
});
