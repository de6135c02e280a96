// Client mistakes get a clear 4xx JSON error, never a 5xx, and write nothing.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { startTestStack, type TestStack } from "../support/test-stack";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.stop());

const productId = seedProducts[0]!.id;
const json = { "content-type": "application/json" };

async function ordersWritten(): Promise<number> {
  const result = await t.db.send(new ScanCommand({ TableName: t.stack.tableNames.orders, Select: "COUNT", ConsistentRead: true }));
  return result.Count ?? 0;
}

const badOrders: [string, { body?: string; headers?: Record<string, string> }, number, string][] = [
  ["no body", { headers: json }, 400, "INVALID_JSON"],
  ["broken JSON", { body: "{", headers: json }, 400, "INVALID_JSON"],
  ["a text/plain body", { body: JSON.stringify({ email: "a@b.co", items: [{ productId, quantity: 1 }] }), headers: { "content-type": "text/plain" } }, 415, "UNSUPPORTED_MEDIA_TYPE"],
  ["a JSON array", { body: "[]", headers: json }, 400, "VALIDATION_FAILED"],
  ["JSON null", { body: "null", headers: json }, 400, "VALIDATION_FAILED"],
  ["no email", { body: JSON.stringify({ items: [{ productId, quantity: 1 }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["a bad email", { body: JSON.stringify({ email: "not-an-email", items: [{ productId, quantity: 1 }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["no items", { body: JSON.stringify({ email: "a@b.co", items: [] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["quantity 0", { body: JSON.stringify({ email: "a@b.co", items: [{ productId, quantity: 0 }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["a negative quantity", { body: JSON.stringify({ email: "a@b.co", items: [{ productId, quantity: -3 }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["too large a quantity", { body: JSON.stringify({ email: "a@b.co", items: [{ productId, quantity: 11 }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["repeated lines adding up past the limit", { body: JSON.stringify({ email: "a@b.co", items: [{ productId, quantity: 6 }, { productId, quantity: 6 }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["a string quantity", { body: JSON.stringify({ email: "a@b.co", items: [{ productId, quantity: "1" }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["an unknown product", { body: JSON.stringify({ email: "a@b.co", items: [{ productId: "no-such-thing", quantity: 1 }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["a client-supplied price", { body: JSON.stringify({ email: "a@b.co", items: [{ productId, quantity: 1, priceCents: 1 }] }), headers: json }, 400, "VALIDATION_FAILED"],
  ["a body over 16 KiB", { body: JSON.stringify({ email: "a@b.co", items: [{ productId, quantity: 1 }], pad: "x".repeat(17_000) }), headers: json }, 413, "PAYLOAD_TOO_LARGE"],
];

describe("POST /orders with bad input", () => {
  it.each(badOrders)("answers %s with a JSON error and writes nothing", async (_name, request, status, code) => {
    const before = await ordersWritten();
    const stockBefore = await t.stockOf(productId);
    const response = await t.api.raw("POST", "/orders", request);
    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(response.text).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
    expect(await ordersWritten()).toBe(before);
    expect(await t.stockOf(productId)).toBe(stockBefore);
  });

  it("names the unknown products", async () => {
    const response = await t.api.post("/orders", { email: "a@b.co", items: [{ productId: "ghost", quantity: 1 }] });
    expect(response.body.error.details).toEqual({ unknownProductIds: ["ghost"] });
  });
});

describe("reads with bad input", () => {
  it.each([
    ["/products?limit=0", 400],
    ["/products?limit=abc", 400],
    ["/products?limit=101", 400],
    ["/products?cursor=%25%25%25", 400],
    [`/products?cursor=${Buffer.from('{"id":{"S":"x"}}').toString("base64url")}`, 400],
    ["/products/NOT%20AN%20ID", 404],
    ["/orders/not-an-order?token=abc", 404],
    ["/orders/ord_00000000000000000000000000", 404],
  ])("GET %s → %i JSON error", async (path, status) => {
    const response = await t.api.get(path);
    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it("answers an unknown route with API Gateway's own JSON 404", async () => {
    const response = await t.api.get("/admin");
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: "Not Found" });
  });
});
