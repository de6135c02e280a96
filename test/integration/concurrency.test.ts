// The last units of a product under a burst of concurrent orders: the conditional stock
// write must let exactly as many orders through as there are units, and no more.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { OrderRecord } from "@shopwave/core/orders/order";
import { getOrderRecord, insertOrderReservingStock } from "@shopwave/core/orders/order-store";
import { randomId } from "@shopwave/core/shared/random-id";
import { FLASH_SALE_PRODUCT_ID } from "@shopwave/local/stack/seed-catalog";
import { startTestStack, type TestStack } from "../support/test-stack";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.stop());

it("gives 50 concurrent orders for the last 10 units exactly 10 reservations and 40 × 409", async () => {
  await t.setStock(FLASH_SALE_PRODUCT_ID, 10);
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      t.api.post("/orders", { email: `racer${i}@example.com`, items: [{ productId: FLASH_SALE_PRODUCT_ID, quantity: 1 }] }),
    ),
  );
  const byStatus = responses.reduce<Record<number, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {});
  expect(byStatus).toEqual({ 201: 10, 409: 40 });
  for (const rejected of responses.filter((r) => r.status === 409)) {
    expect(rejected.body.error.code).toBe("OUT_OF_STOCK");
    expect(rejected.body.error.details.items[0]).toMatchObject({ productId: FLASH_SALE_PRODUCT_ID, requested: 1, available: 0 });
  }
  expect(await t.stockOf(FLASH_SALE_PRODUCT_ID)).toBe(0);
});

it("reserves all lines of an order or none of them", async () => {
  await t.setStock(FLASH_SALE_PRODUCT_ID, 1);
  const other = (await t.api.get("/products?limit=100")).body.items.find((p: { id: string }) => p.id !== FLASH_SALE_PRODUCT_ID).id;
  await t.setStock(other, 5);
  const response = await t.api.post("/orders", {
    email: "both@example.com",
    items: [
      { productId: other, quantity: 2 },
      { productId: FLASH_SALE_PRODUCT_ID, quantity: 2 },
    ],
  });
  expect(response.status).toBe(409);
  expect(response.body.error.details.items).toEqual([expect.objectContaining({ productId: FLASH_SALE_PRODUCT_ID, available: 1 })]);
  expect(await t.stockOf(other)).toBe(5);
  expect(await t.stockOf(FLASH_SALE_PRODUCT_ID)).toBe(1);
});

it("rolls back a reservation whose second line fails inside the transaction (no read-side shortcut)", async () => {
  await t.setStock(FLASH_SALE_PRODUCT_ID, 1);
  const other = (await t.api.get("/products?limit=100")).body.items.find((p: { id: string }) => p.id !== FLASH_SALE_PRODUCT_ID).id;
  await t.setStock(other, 5);
  const now = new Date();
  const order: OrderRecord = {
    id: randomId("ord"),
    status: "PENDING_PAYMENT",
    email: "tx@example.com",
    items: [
      { productId: other, name: "Other", unitPriceCents: 100, quantity: 2 },
      { productId: FLASH_SALE_PRODUCT_ID, name: "Lantern", unitPriceCents: 100, quantity: 2 },
    ],
    totalCents: 400,
    currency: "usd",
    accessTokenHash: "0".repeat(64),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + 1800,
  };
  await expect(insertOrderReservingStock(t.store, order)).rejects.toMatchObject({
    code: "OUT_OF_STOCK",
    shortfalls: [{ productId: FLASH_SALE_PRODUCT_ID, requested: 2, available: 1 }],
  });
  expect(await t.stockOf(other)).toBe(5);
  expect(await t.stockOf(FLASH_SALE_PRODUCT_ID)).toBe(1);
  expect(await getOrderRecord(t.store, order.id)).toBeUndefined();
});
