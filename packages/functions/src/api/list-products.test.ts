// GET /products?limit=&cursor= over DynamoDB Local: pages that together hold the catalog once,
// the default page size, and 400s for out-of-range limits and cursors.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { apiEvent, bodyOf, captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { testProduct } from "../../../../test/support/unit-store";

let h: HandlerHarness;
let listProducts: (query?: Record<string, string>) => ReturnType<(typeof import("./list-products"))["handler"]>;
const ids: string[] = [];
beforeAll(async () => {
  h = await startHandlerHarness();
  for (let i = 0; i < 55; i++) {
    const product = testProduct();
    ids.push(product.id);
    await h.u.putProduct(product);
  }
  const { handler } = await h.load(() => import("./list-products"));
  listProducts = (query) => handler(apiEvent("GET /products", query ? { query } : {}), lambdaContext("list-products"));
});
afterAll(() => h?.stop());
// The handler logs a line per request; kept off the test output.
beforeEach(() => void captureOutput());
afterEach(() => vi.restoreAllMocks());

describe("GET /products", () => {
  it("pages through the whole catalog once, cacheable for five seconds, and by the CDN stale for ten more", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await listProducts({ limit: "20", ...(cursor ? { cursor } : {}) });
      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({ "cache-control": "public, max-age=5, s-maxage=5, stale-while-revalidate=10" });
      const page = bodyOf(response);
      expect(page.items.length).toBeLessThanOrEqual(20);
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it("gives 50 products by default", async () => {
    const page = bodyOf(await listProducts());
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    ["limit=0", { limit: "0" }],
    ["limit above the maximum", { limit: "101" }],
    ["a fractional limit", { limit: "2.5" }],
    ["a limit that is not a number", { limit: "ten" }],
    ["an empty cursor", { cursor: "" }],
    ["an oversized cursor", { cursor: "x".repeat(1025) }],
  ])("answers %s with 400", async (_name, query) => {
    const response = await listProducts(query);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.code).toBe("VALIDATION_FAILED");
  });

  it("accepts the maximum page size", async () => {
    const page = bodyOf(await listProducts({ limit: "100" }));
    expect(page.items).toHaveLength(55);
    expect(page.nextCursor).toBeUndefined();
  });
});
