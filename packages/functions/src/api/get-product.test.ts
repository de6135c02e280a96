// GET /products/{id} over DynamoDB Local: the product as stored, cacheable for a few seconds;
// an unknown or malformed id is the same 404.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { apiEvent, bodyOf, captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { testProduct } from "../../../../test/support/unit-store";

let h: HandlerHarness;
let getProduct: (id: string | undefined) => ReturnType<(typeof import("./get-product"))["handler"]>;
beforeAll(async () => {
  h = await startHandlerHarness();
  const { handler } = await h.load(() => import("./get-product"));
  getProduct = (id) => handler(apiEvent("GET /products/{id}", { rawPath: `/products/${id}`, ...(id === undefined ? {} : { pathParameters: { id } }) }), lambdaContext("get-product"));
});
afterAll(() => h?.stop());
// The handler logs a line per request; kept off the test output.
beforeEach(() => void captureOutput());
afterEach(() => vi.restoreAllMocks());

describe("GET /products/{id}", () => {
  it("answers the stored product, cacheable for five seconds, and by the CDN stale for ten more", async () => {
    const mug = testProduct({ stock: 7, priceCents: 1999 });
    await h.u.putProduct(mug);
    const response = await getProduct(mug.id);
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual(mug);
    expect(response.headers).toMatchObject({ "cache-control": "public, max-age=5, s-maxage=5, stale-while-revalidate=10", "content-type": "application/json; charset=utf-8" });
  });

  it.each([["an unknown id", "no-such-product"], ["a malformed id", "Not A Product!"], ["no id", undefined]])("answers %s with 404", async (_name, id) => {
    const response = await getProduct(id);
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toEqual({ code: "NOT_FOUND", message: expect.stringMatching(/^Product .*was not found\.$/) });
  });
});
