// The console's guard, through a real admin handler (GET /admin/products/{id}/stock): no token or a
// bad one is a 401, a customer's token a 403 and the handler never runs; an operator's token runs
// it, and the invocation's log lines carry the operator's id.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { captureOutput, bodyOf, lambdaContext } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { testProduct } from "../../../../test/support/unit-store";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let getStock: (typeof import("../admin/get-stock"))["handler"];
const product = testProduct({ stock: 7 });
beforeAll(async () => {
  h = await startAdminHarness();
  await h.u.putProduct(product);
  ({ handler: getStock } = await h.load(() => import("../admin/get-stock")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const call = (token: string | null) => getStock(h.event("GET /admin/products/{id}/stock", { pathParameters: { id: product.id }, token }), lambdaContext("admin-get-stock"));

describe("adminHandler", () => {
  it("runs the handler for an operator, with the operator's id on its log lines", async () => {
    const response = await call(h.operatorToken);
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ productId: product.id, available: 7 });
    expect(out.logged("request")).toEqual([expect.objectContaining({ operatorId: OPERATOR.customerId, statusCode: 200 })]);
  });

  it("answers 401 without a token or with a forged one", async () => {
    for (const token of [null, await h.issuer.sign(OPERATOR, { unpublishedKey: true })]) {
      const response = await call(token);
      expect(response.statusCode).toBe(401);
      expect(bodyOf(response)).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
    }
  });

  it("answers 403 to a signed-in customer without the operator role, and logs no operator", async () => {
    const response = await call(h.customerToken);
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response)).toEqual({ error: { code: "FORBIDDEN", message: expect.any(String) } });
    expect(out.printed.filter((line) => "operatorId" in line)).toEqual([]);
  });
});
