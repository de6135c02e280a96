// GET /admin/products/{id}/stock: the levels an operator decides on, summed over the product's
// shards (available, reserved by unpaid orders, sold); an unknown product is a 404.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { adjustStock } from "@shopwave/core/inventory/adjust-stock";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { testProduct } from "../../../../test/support/unit-store";

let h: AdminHarness;
let getStock: (typeof import("./get-stock"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: getStock } = await h.load(() => import("./get-stock")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const read = (productId: string) => getStock(h.event("GET /admin/products/{id}/stock", { pathParameters: { id: productId } }), lambdaContext("admin-get-stock"));

describe("GET /admin/products/{id}/stock", () => {
  it("answers the product's levels", async () => {
    const product = testProduct({ stock: 6 });
    await h.u.putProduct(product);
    await adjustStock(h.u.store, { productId: product.id, change: { add: 9 }, reason: "delivery" });

    const response = await read(product.id);

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ productId: product.id, available: 15, reserved: 0, sold: expect.any(Number) });
  });

  it("answers 404 for an unknown product, and without a path parameter (never a 500)", async () => {
    const response = await read(`no-such-${randomUUID()}`);
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.code).toBe("NOT_FOUND");
    expect((await getStock(h.event("GET /admin/products/{id}/stock"), lambdaContext("admin-get-stock"))).statusCode).toBe(404);
    // An id no product can have (over DynamoDB's 2 KB key limit) is the same 404, not a 500.
    expect((await read("x".repeat(3000))).statusCode).toBe(404);
  });
});
