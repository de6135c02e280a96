// Sharded stock under concurrency, against DynamoDB Local: many orders reserving, paying,
// cancelling and operators restocking at once, in random mixes (fast-check), and afterwards the
// books must balance on every shard: nothing oversold, nothing reserved twice or released twice.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { getProduct } from "../catalog/get-product";
import { listProducts } from "../catalog/list-products";
import { cancelOrder, confirmOrder, getOrderRecord, insertOrderReservingStock } from "../orders/order-store";
import type { OrderRecord } from "../orders/order";
import { ConcurrencyLimit, OutOfStock } from "../shared/domain-error";
import { adjustStock, readStockLevels } from "./adjust-stock";
import { reshardStock } from "./reshard-stock";
import { planReservation } from "./stock-shards";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const expiresAt = Math.floor(Date.now() / 1000) + 35 * 60;

const shelf = (stock: number, stockShards: number) => u.shelve(stock, stockShards);

function place(product: Product, quantity: number): Promise<OrderRecord> {
  const { record } = pendingOrderRecord(u.store, {
    lines: [{ product, quantity }],
    expiresAt,
    checkoutSessionId: `cs_test_${Math.random().toString(36).slice(2)}`,
  });
  return insertOrderReservingStock(u.store, record, [], { shardCounts: new Map([[product.id, product.stockShards ?? 1]]) });
}

/** What one shopper or operator does: order then pay / cancel / walk away, or restock. */
type Action = { kind: "order"; quantity: number; then: "pay" | "cancel" | "cancel twice" | "leave" } | { kind: "restock"; units: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("order" as const), quantity: fc.integer({ min: 1, max: 5 }), then: fc.constantFrom("pay" as const, "cancel" as const, "cancel twice" as const, "leave" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("restock" as const), units: fc.integer({ min: 1, max: 6 }) }) },
);

describe("sharded stock under concurrent reserve, pay, cancel and restock", () => {
  it("never oversells and always balances: available + reserved + sold = initial + restocked, on the books and by the orders", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 30 }), fc.array(action, { minLength: 10, maxLength: 30 }), async (shards, initial, actions) => {
        const product = await shelf(initial, shards);
        let restocked = 0;
        const outcomes = await Promise.all(
          actions.map(async (a) => {
            if (a.kind === "restock") {
              await adjustStock(u.store, { productId: product.id, change: { add: a.units }, reason: "delivery" });
              restocked += a.units;
              return undefined;
            }
            let order: OrderRecord;
            try {
              order = await place(product, a.quantity);
            } catch (error) {
              // Sold out, or (rarely, under this much contention) "busy, retry": either way nothing was written.
              if (error instanceof OutOfStock || error instanceof ConcurrencyLimit) return undefined;
              throw error;
            }
            if (a.then === "pay") await confirmOrder(u.store, order.id, { sessionId: order.checkoutSessionId!, paymentIntentId: `pi_${order.id}` }, new Date());
            if (a.then === "cancel") await cancelOrder(u.store, order.id, "cancelled_by_shopper", new Date());
            if (a.then === "cancel twice") {
              await Promise.all([cancelOrder(u.store, order.id, "cancelled_by_shopper", new Date()), cancelOrder(u.store, order.id, "reservation_lapsed", new Date())]);
            }
            return order.id;
          }),
        );
        const orders = (await Promise.all(outcomes.filter((id): id is string => id !== undefined).map((id) => getOrderRecord(u.store, id)))).map((o) => o!);
        const unitsIn = (status: OrderRecord["status"]) =>
          orders.filter((o) => o.status === status).reduce((sum, o) => sum + o.items[0]!.quantity, 0);
        const levels = await readStockLevels(u.store, product.id);
        for (const shard of levels.shards) {
          expect(shard.available).toBeGreaterThanOrEqual(0);
          expect(shard.reserved).toBeGreaterThanOrEqual(0);
          // Each shard's own books: what orders hold from it is exactly what it counts.
          const takesFrom = (status: OrderRecord["status"]) =>
            orders
              .filter((o) => o.status === status)
              .flatMap((o) => o.stockTakes ?? [])
              .filter((t) => t.shard === shard.shard)
              .reduce((sum, t) => sum + t.quantity, 0);
          expect(shard.reserved).toBe(takesFrom("PENDING_PAYMENT"));
          expect(shard.sold).toBe(takesFrom("CONFIRMED"));
        }
        expect(levels.available + levels.reserved + levels.sold).toBe(initial + restocked);
        expect(levels.reserved).toBe(unitsIn("PENDING_PAYMENT"));
        expect(levels.sold).toBe(unitsIn("CONFIRMED"));
        // What the catalog shows is the sum of the shards.
        expect((await getProduct(u.store, product.id)).stock).toBe(levels.available);
      }),
      { numRuns: 8 },
    );
    // Each run is dozens of real transactions; the machine may be shared.
  }, 240_000);
});

describe("reservations across shards", () => {
  it("spreads a quantity no single shard holds over several, in one order, and refuses only when the sum falls short", async () => {
    const product = await shelf(8, 4); // 2 per shard
    const order = await place(product, 5);
    expect(order.stockTakes!.reduce((sum, t) => sum + t.quantity, 0)).toBe(5);
    expect(new Set(order.stockTakes!.map((t) => t.shard)).size).toBe(order.stockTakes!.length);
    expect(order.stockTakes!.length).toBeGreaterThan(1);
    const error = await place(product, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfStock);
    expect((error as OutOfStock).shortfalls).toEqual([expect.objectContaining({ productId: product.id, requested: 4, available: 3 })]);
    expect((await readStockLevels(u.store, product.id)).available).toBe(3);
  });

  it("gives a cancelled order's units back to exactly the shards it took them from", async () => {
    const product = await shelf(12, 3);
    const order = await place(product, 5);
    const before = (await readStockLevels(u.store, product.id)).shards;
    await cancelOrder(u.store, order.id, "cancelled_by_shopper", new Date());
    const after = (await readStockLevels(u.store, product.id)).shards;
    for (const shard of after) {
      const taken = order.stockTakes!.filter((t) => t.shard === shard.shard).reduce((sum, t) => sum + t.quantity, 0);
      expect(shard.available - before[shard.shard]!.available).toBe(taken);
      expect(shard.reserved).toBe(0);
    }
  });

  it("finds the stock left on other shards when the one tried first is empty", async () => {
    const product = await shelf(3, 3); // 1 per shard
    const orders = await Promise.all([place(product, 1), place(product, 1), place(product, 1)]);
    expect(orders.map((o) => o.stockTakes![0]!.shard).sort()).toEqual([0, 1, 2]);
    await expect(place(product, 1)).rejects.toBeInstanceOf(OutOfStock);
  });
});

describe("the catalog", () => {
  it("lists a sharded product once, with its stock summed over the shards, and never a shard item", async () => {
    const product = await shelf(23, 5);
    const seen: string[] = [];
    let stock: number | undefined;
    let cursor: string | undefined;
    do {
      const page = await listProducts(u.store, { limit: 3, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        seen.push(item.id);
        if (item.id === product.id) stock = item.stock;
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => id.includes("#"))).toEqual([]);
    expect(seen.filter((id) => id === product.id)).toHaveLength(1);
    expect(stock).toBe(23);
    expect((await getProduct(u.store, product.id)).stock).toBe(23);
  });
});

describe("reshardStock", () => {
  it("turns a single counter into N shards while orders reserve from it, losing and inventing nothing", async () => {
    const product = await shelf(40, 1);
    const orders = Array.from({ length: 20 }, (_, i) =>
      // Orders placed before the reshard commits know of one shard; later ones may know of four.
      new Promise((resolve) => setTimeout(resolve, i * 5)).then(() => place(i % 2 === 0 ? product : { ...product, stockShards: 4 }, 1).catch((e: unknown) => e)),
    );
    const [resharded, ...placed] = await Promise.all([reshardStock(u.store, product.id, 4), ...orders]);
    expect(resharded).toEqual({ before: 1, after: 4 });
    const failures = placed.filter((p) => p instanceof Error);
    // An order that guessed a shard not created yet probes the real ones; none may fail for stock.
    expect(failures.filter((f) => !(f instanceof ConcurrencyLimit))).toEqual([]);
    const levels = await readStockLevels(u.store, product.id);
    expect(levels.shards).toHaveLength(4);
    expect(levels.available + levels.reserved).toBe(40);
    expect(levels.reserved).toBe(placed.length - failures.length);
    expect((await getProduct(u.store, product.id)).stockShards).toBe(4);
    await expect(reshardStock(u.store, product.id, 2)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("planReservation", () => {
  it("picks one shard that holds the whole quantity, at random among those that do", () => {
    expect(planReservation("p", [1, 5, 0, 5], 3, () => 0)).toEqual([{ productId: "p", shard: 1, quantity: 3 }]);
    expect(planReservation("p", [1, 5, 0, 5], 3, () => 0.99)).toEqual([{ productId: "p", shard: 3, quantity: 3 }]);
  });

  it("otherwise takes from the fullest shards first, as few as cover it; nothing when the sum is short", () => {
    expect(planReservation("p", [2, 3, 1, 0], 5)).toEqual([
      { productId: "p", shard: 1, quantity: 3 },
      { productId: "p", shard: 0, quantity: 2 },
    ]);
    expect(planReservation("p", [2, 3, 1, 0], 7)).toBeUndefined();
  });
});
