// POST /admin/products/{id}/stock on DynamoDB Local: an operator's set or add moves the stock once
// per request id (a double submit answers 200 `replayed` and moves nothing), is refused with 409
// when it would leave fewer than zero available, and every outcome is in the audit log.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { listAuditEntries } from "@shopwave/core/admin/audit-log";
import { readStockLevels } from "@shopwave/core/inventory/adjust-stock";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { testProduct } from "../../../../test/support/unit-store";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let adjustStock: (typeof import("./adjust-stock"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: adjustStock } = await h.load(() => import("./adjust-stock")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

async function newProduct(stock: number) {
  const product = testProduct({ stock });
  await h.u.putProduct(product);
  return product.id;
}

const adjust = (productId: string, json: unknown) =>
  adjustStock(h.event("POST /admin/products/{id}/stock", { pathParameters: { id: productId }, json }), lambdaContext("admin-adjust-stock"));
const available = async (productId: string) => (await readStockLevels(h.u.store, productId)).available;

describe("POST /admin/products/{id}/stock", () => {
  it("adds units once per request id: 201, then 200 replayed without moving the stock again", async () => {
    const productId = await newProduct(10);
    const body = { requestId: randomUUID(), change: { add: 5 }, reason: "delivery" };

    const first = await adjust(productId, body);
    expect(first.statusCode).toBe(201);
    expect(bodyOf(first)).toEqual({ before: { available: 10, reserved: 0 }, after: { available: 15, reserved: 0 }, replayed: false });
    expect(await available(productId)).toBe(15);
    expect(out.logged("stock adjusted by an operator")).toEqual([expect.objectContaining({ productId, change: { add: 5 }, replayed: false, operatorId: OPERATOR.customerId })]);

    const again = await adjust(productId, body);
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again)).toEqual({ before: { available: 15, reserved: 0 }, after: { available: 15, reserved: 0 }, replayed: true });
    expect(await available(productId)).toBe(15);

    const { entries } = await listAuditEntries(h.audit, { target: `product:${productId}`, limit: 10 });
    expect(entries).toEqual([
      expect.objectContaining({
        action: "stock.adjust",
        result: "succeeded",
        operatorId: OPERATOR.customerId,
        operatorEmail: OPERATOR.email,
        reason: "delivery",
        before: { available: 10, reserved: 0 },
        after: { available: 15, reserved: 0, change: { add: 5 } },
      }),
    ]);
  });

  it("sets what is on hand", async () => {
    const productId = await newProduct(10);
    const response = await adjust(productId, { requestId: randomUUID(), change: { set: 3 }, reason: "counted" });
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({ after: { available: 3, reserved: 0 } });
    expect(await available(productId)).toBe(3);
  });

  it("refuses with 409 to remove more than is available, moves nothing and audits the refusal", async () => {
    const productId = await newProduct(4);
    const response = await adjust(productId, { requestId: randomUUID(), change: { add: -5 }, reason: "breakage" });
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error).toMatchObject({ code: "STOCK_ADJUSTMENT_REFUSED", details: { productId, available: 4, reserved: 0, requested: { add: -5 } } });
    expect(await available(productId)).toBe(4);
    const { entries } = await listAuditEntries(h.audit, { target: `product:${productId}`, limit: 10 });
    expect(entries).toEqual([
      expect.objectContaining({ action: "stock.adjust", result: "failed", before: { available: 4, reserved: 0 }, after: { change: { add: -5 } }, error: expect.stringContaining("only 4 are available") }),
    ]);
    expect(out.logged("stock adjusted by an operator")).toEqual([]);
  });

  it("answers 404 for an unknown product, and without a path parameter (never a 500)", async () => {
    const response = await adjust(`no-such-${randomUUID()}`, { requestId: randomUUID(), change: { add: 1 }, reason: "delivery" });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.code).toBe("NOT_FOUND");
    const noPath = h.event("POST /admin/products/{id}/stock", { json: { requestId: randomUUID(), change: { add: 1 }, reason: "delivery" } });
    expect((await adjustStock(noPath, lambdaContext("admin-adjust-stock"))).statusCode).toBe(404);
  });

  it.each([
    ["add 0", { change: { add: 0 }, reason: "nothing" }],
    ["a negative set", { change: { set: -1 }, reason: "counted" }],
    ["no reason", { change: { add: 1 }, reason: "  " }],
    ["both set and add", { change: { set: 1, add: 1 }, reason: "x" }],
    ["an unknown field", { change: { add: 1 }, reason: "x", productId: "other" }],
    ["a short request id", { change: { add: 1 }, reason: "x", requestId: "short" }],
  ])("answers 400 to %s and moves nothing", async (_name, body) => {
    const productId = await newProduct(5);
    const response = await adjust(productId, { requestId: randomUUID(), ...body });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.code).toBe("VALIDATION_FAILED");
    expect(await available(productId)).toBe(5);
  });

  it("answers 415 to a body that is not JSON and 413 to one over 2 KiB", async () => {
    const productId = await newProduct(5);
    const notJson = h.event("POST /admin/products/{id}/stock", { pathParameters: { id: productId } });
    notJson.body = JSON.stringify({ requestId: randomUUID(), change: { add: 1 }, reason: "x" });
    expect((await adjustStock(notJson, lambdaContext("admin-adjust-stock"))).statusCode).toBe(415);
    const large = await adjust(productId, { requestId: randomUUID(), change: { add: 1 }, reason: "x".repeat(2100) });
    expect(large.statusCode).toBe(413);
    expect(await available(productId)).toBe(5);
  });
});
