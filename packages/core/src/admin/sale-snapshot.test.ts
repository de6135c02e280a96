// The live sale view on DynamoDB Local: every product of the catalog (past its first page), each
// with its name, stock, total sales and the per-minute sales since `minutes` ago only, and the
// shop's order counts likewise, counted from order events by the sales counters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { OrderEvent } from "../order-events/order-event";
import { recordSale } from "../order-events/sales-counters";
import { readSaleSnapshot } from "./sale-snapshot";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

let n = 0;
function confirmed(productId: string, quantity: number, unitPriceCents: number, occurredAt: string): OrderEvent {
  const orderId = `ord_${String(++n).padStart(26, "0")}`;
  return {
    type: "OrderConfirmed",
    id: `${orderId}:OrderConfirmed:v1`,
    version: 1,
    occurredAt,
    orderId,
    email: "a@example.com",
    items: [{ productId, name: productId, quantity, unitPriceCents }],
    totalCents: quantity * unitPriceCents,
    currency: "usd",
    paymentIntentId: "pi_1",
    checkoutSessionId: "cs_1",
  };
}

describe("readSaleSnapshot", () => {
  it("reads every product, with sales in total and per minute within the window only", async () => {
    const now = new Date("2030-01-01T12:30:20.000Z");
    const mug = testProduct({ name: "Mug", stock: 4 });
    const lamp = testProduct({ name: "Lamp", stock: 9 });
    // More than one page of catalog (the snapshot reads 100 products a page).
    const others = Array.from({ length: 101 }, () => testProduct({ stock: 1 }));
    await Promise.all([mug, lamp, ...others].map((product) => u.putProduct(product)));
    await recordSale(u.store, confirmed(mug.id, 2, 1250, "2030-01-01T12:29:10.000Z"), now);
    await recordSale(u.store, confirmed(mug.id, 1, 1250, "2030-01-01T12:10:00.000Z"), now); // before the window
    await recordSale(u.store, confirmed(lamp.id, 1, 4999, "2030-01-01T12:16:00.000Z"), now); // its first minute

    const snapshot = await readSaleSnapshot(u.store, { minutes: 15, now });

    expect(snapshot.at).toBe("2030-01-01T12:30:20.000Z");
    expect(snapshot.since).toBe("2030-01-01T12:15:20.000Z");
    expect(snapshot.products).toHaveLength(103);
    const byId = new Map(snapshot.products.map((product) => [product.productId, product]));
    expect(byId.get(mug.id)).toEqual({
      productId: mug.id,
      name: "Mug",
      stock: 4,
      currency: "usd",
      total: { unitsSold: 3, revenueCents: 3750, unitsRefunded: 0, refundedCents: 0 },
      minutes: [{ minute: "2030-01-01T12:29Z", unitsSold: 2, revenueCents: 2500, unitsRefunded: 0, refundedCents: 0 }],
    });
    expect(byId.get(lamp.id)).toMatchObject({ name: "Lamp", stock: 9, total: { unitsSold: 1, revenueCents: 4999 }, minutes: [{ minute: "2030-01-01T12:16Z", unitsSold: 1 }] });
    // The shop's orders, counted from the same events: in total, and per minute within the window only.
    expect(snapshot.orders).toEqual({
      total: { placed: 0, confirmed: 3, cancelled: 0, refunded: 0 },
      minutes: [
        { minute: "2030-01-01T12:16Z", placed: 0, confirmed: 1, cancelled: 0, refunded: 0 },
        { minute: "2030-01-01T12:29Z", placed: 0, confirmed: 1, cancelled: 0, refunded: 0 },
      ],
    });
    expect(byId.get(others[100]!.id)).toEqual({
      productId: others[100]!.id,
      name: others[100]!.name,
      stock: 1,
      total: { unitsSold: 0, revenueCents: 0, unitsRefunded: 0, refundedCents: 0 },
      minutes: [],
    });
  });
});
