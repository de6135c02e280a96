// createOrder against DynamoDB Local (the reservation and its refusals are conditional writes) and
// a recording CheckoutGateway: what is asked of the provider (catalog prices, merged lines, the
// reservation's lapse) and what happens when it cannot be reached (the stock goes back).
import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { Product } from "../catalog/product";
import { stockItemsOf } from "../inventory/stock-shards";
import type { CheckoutGateway, CheckoutRequest } from "../payments/checkout-gateway";
import { DomainError, HoldLimitReached, OutOfStock, PaymentProviderUnavailable, ValidationFailed } from "../shared/domain-error";
import { hashAccessToken } from "./access-token";
import { CreateOrderInput, MAX_LINES_PER_ORDER, MAX_QUANTITY_PER_LINE, createOrder, mergeLines, type CreateOrderSettings } from "./create-order";
import { cancelOrder, pendingShardFor } from "./order-store";
import type { HoldLimits } from "./reservation-holds";
import { reservationMinutesFrom } from "./reservation-window";

describe("CreateOrderInput", () => {
  const valid = { email: "shopper@example.com", items: [{ productId: "mug", quantity: 1 }] };

  it("accepts a well-formed cart", () => {
    expect(CreateOrderInput.parse(valid)).toEqual(valid);
  });

  it.each([
    ["a bad email", { ...valid, email: "nope" }],
    ["no items", { ...valid, items: [] }],
    ["quantity 0", { ...valid, items: [{ productId: "mug", quantity: 0 }] }],
    ["a fractional quantity", { ...valid, items: [{ productId: "mug", quantity: 1.5 }] }],
    ["too large a quantity", { ...valid, items: [{ productId: "mug", quantity: MAX_QUANTITY_PER_LINE + 1 }] }],
    ["too many lines", { ...valid, items: Array.from({ length: MAX_LINES_PER_ORDER + 1 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })) }],
    ["a client-supplied price", { ...valid, items: [{ productId: "mug", quantity: 1, priceCents: 1 }] }],
    ["a client-supplied total", { ...valid, totalCents: 1 }],
    ["a malformed product id", { ...valid, items: [{ productId: "../etc", quantity: 1 }] }],
  ])("rejects %s", (_name, input) => {
    expect(CreateOrderInput.safeParse(input).success).toBe(false);
  });
});

describe("mergeLines", () => {
  it("adds up repeated products so each is reserved once", () => {
    expect(
      mergeLines([
        { productId: "mug", quantity: 2 },
        { productId: "lamp", quantity: 1 },
        { productId: "mug", quantity: 3 },
      ]),
    ).toEqual([
      { productId: "mug", quantity: 5 },
      { productId: "lamp", quantity: 1 },
    ]);
  });
});

describe("reservationMinutesFrom", () => {
  it("defaults to a reservation Stripe accepts with margin", () => {
    expect(reservationMinutesFrom(undefined)).toBe(35);
    expect(reservationMinutesFrom("")).toBe(35);
    expect(reservationMinutesFrom("60")).toBe(60);
    expect(reservationMinutesFrom("  ")).toBe(35);
  });

  it("accepts both ends of the range", () => {
    expect(reservationMinutesFrom("35")).toBe(35);
    expect(reservationMinutesFrom("1435")).toBe(1435);
  });

  it.each(["30", "1440", "abc", "45.5", "-1"])("refuses %s, which Stripe would refuse or which is not a whole number of minutes", (raw) => {
    expect(() => reservationMinutesFrom(raw)).toThrow(/ORDER_RESERVATION_MINUTES/);
  });
});

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const now = new Date("2030-01-01T12:00:00.000Z");
const settings: CreateOrderSettings = {
  reservationMinutes: 35,
  successUrl: (id) => `https://shop.example/orders/${id}/paid`,
  cancelUrl: (id) => `https://shop.example/orders/${id}/cancelled`,
};

/** Answers with a session per order, or throws `failure`; every request is kept. */
function recordingGateway(options: { failure?: unknown; onCreate?: (request: CheckoutRequest) => Promise<void> } = {}) {
  const requests: CheckoutRequest[] = [];
  const gateway: CheckoutGateway = {
    async createSession(request) {
      requests.push(request);
      await options.onCreate?.(request);
      if (options.failure !== undefined) throw options.failure;
      return { id: `cs_test_${request.orderId}`, url: `https://checkout.example/pay/${request.orderId}` };
    },
    getSession: () => Promise.reject(new Error("not used")),
    expireSession: () => Promise.reject(new Error("not used")),
    getPayment: () => Promise.reject(new Error("not used")),
    refundPayment: () => Promise.reject(new Error("not used")),
  };
  return { gateway, requests };
}

async function shelf(...overrides: Partial<Product>[]): Promise<Product[]> {
  const products = overrides.map((o) => testProduct(o));
  for (const product of products) await u.putProduct(product);
  return products;
}

const refusal = (attempt: Promise<unknown>) =>
  attempt.then(
    () => {
      throw new Error("expected createOrder to refuse");
    },
    (error: unknown) => error,
  );

describe("createOrder", () => {
  it("prices from the catalog, merges repeated lines, reserves the stock and opens a session for the total", async () => {
    const [mug, lamp] = await shelf({ priceCents: 1250, stock: 10, name: "Mug" }, { priceCents: 4999, stock: 5, name: "Lamp" });
    const provider = recordingGateway();
    const placed = await createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
      email: "shopper@example.com",
      items: [
        { productId: mug!.id, quantity: 2 },
        { productId: lamp!.id, quantity: 1 },
        { productId: mug!.id, quantity: 3 },
      ],
    });

    const id = placed.order.id;
    expect(id).toMatch(/^ord_[0-9a-z]{26}$/);
    const expiresAt = Math.floor(now.getTime() / 1000) + 35 * 60;
    expect(provider.requests).toEqual([
      {
        orderId: id,
        email: "shopper@example.com",
        currency: "usd",
        lines: [
          { productId: mug!.id, name: "Mug", unitPriceCents: 1250, quantity: 5 },
          { productId: lamp!.id, name: "Lamp", unitPriceCents: 4999, quantity: 1 },
        ],
        expiresAt,
        successUrl: `https://shop.example/orders/${id}/paid`,
        cancelUrl: `https://shop.example/orders/${id}/cancelled`,
      },
    ]);
    expect(placed.checkoutUrl).toBe(`https://checkout.example/pay/${id}`);
    expect(placed.order).toEqual({
      id,
      status: "PENDING_PAYMENT",
      email: "shopper@example.com",
      items: provider.requests[0]!.lines,
      totalCents: 5 * 1250 + 4999,
      currency: "usd",
      checkoutSessionId: `cs_test_${id}`,
      checkoutUrl: `https://checkout.example/pay/${id}`,
      cancellationReason: null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    });
    expect(await u.stockOf(mug!.id)).toBe(5);
    expect(await u.stockOf(lamp!.id)).toBe(4);

    const stored = await u.orderRecord(id);
    expect(stored).toMatchObject({
      status: "PENDING_PAYMENT",
      totalCents: 5 * 1250 + 4999,
      checkoutSessionId: `cs_test_${id}`,
      checkoutUrl: `https://checkout.example/pay/${id}`,
      expiresAt,
      pendingShard: pendingShardFor(id, u.store.indexes.pendingByExpiry.shardCount),
      accessTokenHash: hashAccessToken(placed.accessToken),
    });
    // Placed without hold limits: nothing charged.
    expect(stored?.holds).toBeUndefined();
    expect(placed.accessToken).not.toBe(stored?.accessTokenHash);
  });

  it("takes the currency from the catalog", async () => {
    const [print] = await shelf({ currency: "eur", priceCents: 800 });
    const provider = recordingGateway();
    const placed = await createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
      email: "shopper@example.com",
      items: [{ productId: print!.id, quantity: 2 }],
    });
    expect(provider.requests[0]?.currency).toBe("eur");
    expect(placed.order).toMatchObject({ currency: "eur", totalCents: 1600 });
  });

  it("refuses more than the per-line maximum once repeated lines are merged, before reading or writing", async () => {
    const [mug] = await shelf({ stock: 50 });
    const provider = recordingGateway();
    const error = await refusal(
      createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
        email: "shopper@example.com",
        items: [
          { productId: mug!.id, quantity: 6 },
          { productId: mug!.id, quantity: 5 },
        ],
      }),
    );
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).message).toBe("At most 10 of one product per order.");
    expect((error as ValidationFailed).details).toEqual({ items: [{ productId: mug!.id, quantity: 11 }] });
    expect(provider.requests).toEqual([]);
    expect(await u.stockOf(mug!.id)).toBe(50);
  });

  it("accepts exactly the per-line maximum across merged lines", async () => {
    const [mug] = await shelf({ stock: 10 });
    const placed = await createOrder({ store: u.store, checkout: recordingGateway().gateway, settings, now: () => now }, {
      email: "shopper@example.com",
      items: [
        { productId: mug!.id, quantity: 4 },
        { productId: mug!.id, quantity: 6 },
      ],
    });
    expect(placed.order.items).toEqual([expect.objectContaining({ productId: mug!.id, quantity: 10 })]);
    expect(await u.stockOf(mug!.id)).toBe(0);
  });

  it("names unknown products and writes nothing", async () => {
    const [mug] = await shelf({ stock: 10 });
    const provider = recordingGateway();
    const error = await refusal(
      createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
        email: "shopper@example.com",
        items: [
          { productId: mug!.id, quantity: 1 },
          { productId: "no-such-product", quantity: 1 },
          { productId: "nor-this-one", quantity: 2 },
        ],
      }),
    );
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).message).toBe("Unknown product: no-such-product, nor-this-one.");
    expect((error as ValidationFailed).details).toEqual({ unknownProductIds: ["no-such-product", "nor-this-one"] });
    expect(provider.requests).toEqual([]);
    expect(await u.stockOf(mug!.id)).toBe(10);
  });

  it("refuses a cart that mixes currencies", async () => {
    const [mug, print] = await shelf({ currency: "usd" }, { currency: "eur" });
    const provider = recordingGateway();
    const error = await refusal(
      createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
        email: "shopper@example.com",
        items: [
          { productId: mug!.id, quantity: 1 },
          { productId: print!.id, quantity: 1 },
        ],
      }),
    );
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).message).toMatch(/one currency/);
    expect(provider.requests).toEqual([]);
    expect(await u.stockOf(mug!.id)).toBe(10);
  });

  it("reports every short line with what is left, reserves nothing, and sells the last unit", async () => {
    const [mug, lamp, vase] = await shelf({ stock: 2, name: "Mug" }, { stock: 3, name: "Lamp" }, { stock: 0, name: "Vase" });
    const provider = recordingGateway();
    const error = await refusal(
      createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
        email: "shopper@example.com",
        items: [
          { productId: mug!.id, quantity: 3 },
          { productId: lamp!.id, quantity: 3 },
          { productId: vase!.id, quantity: 1 },
        ],
      }),
    );
    expect(error).toBeInstanceOf(OutOfStock);
    expect((error as OutOfStock).shortfalls).toEqual([
      { productId: mug!.id, name: "Mug", requested: 3, available: 2 },
      { productId: vase!.id, name: "Vase", requested: 1, available: 0 },
    ]);
    expect(provider.requests).toEqual([]);
    expect([await u.stockOf(mug!.id), await u.stockOf(lamp!.id), await u.stockOf(vase!.id)]).toEqual([2, 3, 0]);

    // Exactly what is left is not short.
    await createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
      email: "shopper@example.com",
      items: [{ productId: lamp!.id, quantity: 3 }],
    });
    expect(await u.stockOf(lamp!.id)).toBe(0);
  });

  it("gives the stock back and cancels the order when the provider cannot be reached", async () => {
    const [mug] = await shelf({ stock: 10 });
    const outage = new Error("connect ECONNREFUSED");
    const provider = recordingGateway({ failure: outage });
    const error = await refusal(
      createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
        email: "shopper@example.com",
        items: [{ productId: mug!.id, quantity: 4 }],
      }),
    );
    expect(error).toBeInstanceOf(PaymentProviderUnavailable);
    expect((error as PaymentProviderUnavailable).retryAfterSeconds).toBe(5);
    expect((error as PaymentProviderUnavailable).cause).toBe(outage);
    expect((error as PaymentProviderUnavailable).message).toMatch(/try again/);

    const orderId = provider.requests[0]!.orderId;
    expect(await u.stockOf(mug!.id)).toBe(10);
    expect(await u.orderRecord(orderId)).toMatchObject({
      status: "CANCELLED",
      cancellationReason: "payment_provider_unavailable",
      updatedAt: now.toISOString(),
    });
    expect((await u.orderRecord(orderId))?.pendingShard).toBeUndefined();
  });

  it("passes the gateway's own PaymentProviderUnavailable through unchanged, after releasing the stock", async () => {
    const [mug] = await shelf({ stock: 10 });
    const unavailable = new PaymentProviderUnavailable("Stripe is down.", 30);
    const provider = recordingGateway({ failure: unavailable });
    const error = await refusal(
      createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
        email: "shopper@example.com",
        items: [{ productId: mug!.id, quantity: 2 }],
      }),
    );
    expect(error).toBe(unavailable);
    expect(await u.stockOf(mug!.id)).toBe(10);
    expect(await u.orderRecord(provider.requests[0]!.orderId)).toMatchObject({ status: "CANCELLED", cancellationReason: "payment_provider_unavailable" });
  });

  it("still answers with the session when the order left PENDING_PAYMENT while the session was being created", async () => {
    const [mug] = await shelf({ stock: 10 });
    const provider = recordingGateway({
      onCreate: async (request) => {
        await cancelOrder(u.store, request.orderId, "reservation_lapsed", now);
      },
    });
    const placed = await createOrder({ store: u.store, checkout: provider.gateway, settings, now: () => now }, {
      email: "shopper@example.com",
      items: [{ productId: mug!.id, quantity: 2 }],
    });
    const id = provider.requests[0]!.orderId;
    expect(placed.checkoutUrl).toBe(`https://checkout.example/pay/${id}`);
    expect(placed.order).toMatchObject({ id, checkoutSessionId: `cs_test_${id}`, checkoutUrl: `https://checkout.example/pay/${id}`, totalCents: 2 * mug!.priceCents });
    // The session was not attached to the cancelled order.
    expect((await u.orderRecord(id))?.checkoutSessionId).toBeUndefined();
  });

  it("stamps the order with the current time when no clock is given", async () => {
    const [mug] = await shelf({ stock: 10 });
    const before = Date.now();
    const placed = await createOrder({ store: u.store, checkout: recordingGateway().gateway, settings }, { email: "shopper@example.com", items: [{ productId: mug!.id, quantity: 1 }] });
    const after = Date.now();
    for (const stamp of [placed.order.createdAt, placed.order.updatedAt]) {
      expect(Date.parse(stamp)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(stamp)).toBeLessThanOrEqual(after);
    }

    const failing = recordingGateway({ failure: new Error("down") });
    await expect(createOrder({ store: u.store, checkout: failing.gateway, settings }, { email: "shopper@example.com", items: [{ productId: mug!.id, quantity: 1 }] })).rejects.toBeInstanceOf(
      PaymentProviderUnavailable,
    );
    expect(await u.orderRecord(failing.requests[0]!.orderId)).toMatchObject({ status: "CANCELLED", cancellationReason: "payment_provider_unavailable" });
    expect(await u.stockOf(mug!.id)).toBe(9);
  });

  describe("with hold limits", () => {
    const holdLimits: HoldLimits = { email: { orders: 1, units: 5, perProduct: 5 }, client: { orders: 2, units: 8, perProduct: 8 } };

    it("charges the holders' counters with the order and refuses a second pending order for the same email", async () => {
      const [mug] = await shelf({ stock: 20 });
      const provider = recordingGateway();
      const deps = { store: u.store, checkout: provider.gateway, settings, holdLimits, now: () => now };
      const email = `holder-${Math.random().toString(36).slice(2)}@example.com`;
      const placed = await createOrder(deps, { email, items: [{ productId: mug!.id, quantity: 2 }] }, { clientAddress: "203.0.113.7" });
      expect((await u.orderRecord(placed.order.id))?.holds).toEqual([
        { key: `hold#email#${email}`, units: 2, orders: 1 },
        { key: "hold#client#203.0.113.7", units: 2, orders: 1 },
      ]);

      const error = await refusal(createOrder(deps, { email: email.toUpperCase(), items: [{ productId: mug!.id, quantity: 1 }] }, { clientAddress: "198.51.100.1" }));
      expect(error).toBeInstanceOf(HoldLimitReached);
      expect((error as HoldLimitReached).breaches).toEqual([expect.objectContaining({ holder: "email", limit: "orders", max: 1, held: 1 })]);
      expect(provider.requests).toHaveLength(1);
      expect(await u.stockOf(mug!.id)).toBe(18);
    });

    it("refuses an order over a cap on its own before anything is written, and charges no client hold without an address", async () => {
      const [mug] = await shelf({ stock: 20 });
      const provider = recordingGateway();
      const deps = { store: u.store, checkout: provider.gateway, settings, holdLimits, now: () => now };
      const email = `alone-${Math.random().toString(36).slice(2)}@example.com`;
      const error = await refusal(createOrder(deps, { email, items: [{ productId: mug!.id, quantity: 6 }] }));
      expect(error).toBeInstanceOf(HoldLimitReached);
      expect((error as HoldLimitReached).retryAfterSeconds).toBeUndefined();
      expect(provider.requests).toEqual([]);
      expect(await u.stockOf(mug!.id)).toBe(20);

      const placed = await createOrder(deps, { email, items: [{ productId: mug!.id, quantity: 5 }] });
      expect((await u.orderRecord(placed.order.id))?.holds).toEqual([{ key: `hold#email#${email}`, units: 5, orders: 1 }]);
    });

    it("applies the catalog's per-customer cap of a hot product", async () => {
      const [hot] = await shelf({ stock: 20, maxPerCustomer: 1 });
      const provider = recordingGateway();
      const error = await refusal(
        createOrder({ store: u.store, checkout: provider.gateway, settings, holdLimits, now: () => now }, { email: "hot@example.com", items: [{ productId: hot!.id, quantity: 2 }] }),
      );
      expect(error).toBeInstanceOf(HoldLimitReached);
      expect((error as DomainError).details).toEqual({ limits: [expect.objectContaining({ limit: "perProduct", productId: hot!.id, max: 1, requested: 2 })] });
    });
  });
});

describe("createOrder: who orders, sold out first, sharded stock", () => {
  it("refuses a signed-in customer's order under another email before anything is written, and records the customer on their own", async () => {
    const [mug] = await shelf({ stock: 3 });
    const provider = recordingGateway();
    const deps = { store: u.store, checkout: provider.gateway, settings, now: () => now };
    const customer = { customerId: "cus_unit_1", email: "Me@Example.com", roles: [] };
    const error = await refusal(createOrder(deps, { email: "someone-else@example.com", items: [{ productId: mug!.id, quantity: 1 }] }, { customer }));
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as DomainError).details).toEqual([expect.objectContaining({ path: "email" })]);
    expect(provider.requests).toEqual([]);
    expect(await u.stockOf(mug!.id)).toBe(3);

    const placed = await createOrder(deps, { email: "me@example.com", items: [{ productId: mug!.id, quantity: 1 }] }, { customer });
    expect(await u.orderRecord(placed.order.id)).toEqual(expect.objectContaining({ customerId: "cus_unit_1", email: "me@example.com" }));
  });

  it("says sold out, not over a cap, when a line is short and alone over a cap", async () => {
    const [mug] = await shelf({ stock: 2 });
    const provider = recordingGateway();
    const holdLimits: HoldLimits = { email: { orders: 1, units: 5, perProduct: 5 } };
    const error = await refusal(
      createOrder({ store: u.store, checkout: provider.gateway, settings, holdLimits, now: () => now }, { email: "short@example.com", items: [{ productId: mug!.id, quantity: 6 }] }),
    );
    expect(error).toBeInstanceOf(OutOfStock);
    expect((error as OutOfStock).shortfalls).toEqual([expect.objectContaining({ productId: mug!.id, requested: 6, available: 2 })]);
  });

  it("reserves a sharded product on a shard that held enough when it was read, in one transaction", async () => {
    const { product, shards } = stockItemsOf(testProduct({ stock: 0, stockShards: 3 }));
    await u.putProduct(product);
    for (const [index, item] of shards.entries()) await u.store.db.send(new PutCommand({ TableName: u.store.tables.products, Item: { ...item, stock: index === 1 ? 5 : 0 } }));
    const sent: unknown[] = [];
    const db = { send: (command: unknown) => (sent.push(command), u.store.db.send(command as never)) };
    const store = { ...u.store, db: db as unknown as DynamoDBDocumentClient };
    const placed = await createOrder({ store, checkout: recordingGateway().gateway, settings, now: () => now }, { email: "sharded@example.com", items: [{ productId: product.id, quantity: 3 }] });
    expect((await u.orderRecord(placed.order.id))?.stockTakes).toEqual([{ productId: product.id, shard: 2, quantity: 3 }]);
    expect(sent.filter((command) => command instanceof TransactWriteCommand)).toHaveLength(1);
  });
});
