// Reservations cannot be hoarded: one email (however it is spelt) or one client address (an IPv6
// client by its /64) holds at most its caps in unpaid orders, across any number of orders and
// under concurrency; paying, cancelling or the sweeper settling a lapsed order frees the hold at
// once and exactly. The gateway is told to trust X-Forwarded-For so one test process can stand
// for many clients.
import { GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepLapsedOrders } from "@shopwave/core/orders/sweep-lapsed-orders";
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { FLASH_SALE_PRODUCT_ID, seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor, type ApiResponse } from "../support/api-client";
import { orderStatus, startTestStack, TEST_STRIPE_KEY, type PlacedOrder, type TestStack } from "../support/test-stack";

const EMAIL_CAPS = { orders: 2, units: 4, perProduct: 3 };
const CLIENT_CAPS = { orders: 4, units: 8, perProduct: 6 };

let t: TestStack;
let stripe: Stripe;
beforeAll(async () => {
  t = await startTestStack({
    trustForwardedFor: true,
    handlerEnv: {
      ORDER_HOLDS_PER_EMAIL: `orders=${EMAIL_CAPS.orders},units=${EMAIL_CAPS.units},perProduct=${EMAIL_CAPS.perProduct}`,
      ORDER_HOLDS_PER_CLIENT: `orders=${CLIENT_CAPS.orders},units=${CLIENT_CAPS.units},perProduct=${CLIENT_CAPS.perProduct}`,
    },
  });
  stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
});
afterAll(async () => t?.stop());

const product = (index: number) => seedProducts[index]!.id;
let nextAddress = 1;
/** A client address nobody else in this file uses. */
const freshAddress = () => `198.51.100.${nextAddress++}`;

function order(email: string, items: { productId: string; quantity: number }[], address = freshAddress()): Promise<ApiResponse> {
  return t.api.post("/orders", { email, items }, { "x-forwarded-for": address });
}

function expectPlaced(response: ApiResponse): PlacedOrder {
  expect(response.status, response.text).toBe(201);
  return response.body as PlacedOrder;
}

function expectRefused(response: ApiResponse, limits: unknown[]): void {
  expect(response.status, response.text).toBe(429);
  expect(response.body).toEqual({ error: { code: "HOLD_LIMIT_REACHED", message: expect.any(String), details: { limits } } });
}

/** What a hold counter holds now (absent counters hold nothing). */
async function held(key: string): Promise<{ units: number; orders: number }> {
  const result = await t.db.send(new GetCommand({ TableName: t.stack.tableNames.rateLimits, Key: { id: key }, ConsistentRead: true }));
  return { units: Number(result.Item?.units ?? 0), orders: Number(result.Item?.orders ?? 0) };
}

/** The orders placed under any of these addresses (orders store the email lower-cased, so compare so). */
async function ordersOf(emails: string[]): Promise<{ status: string }[]> {
  const wanted = emails.map((email) => email.toLowerCase());
  const result = await t.db.send(new ScanCommand({ TableName: t.stack.tableNames.orders, ConsistentRead: true }));
  return (result.Items ?? []).filter((item) => wanted.includes(String(item.email).toLowerCase())) as { status: string }[];
}

describe("one email", () => {
  it("holds at most its pending orders, however the address is spelt, and the refusal writes nothing", async () => {
    const id = product(0);
    await t.setStock(id, 50);
    expectPlaced(await order("hoarder@example.com", [{ productId: id, quantity: 1 }]));
    expectPlaced(await order("Hoarder+1@Example.COM", [{ productId: id, quantity: 1 }]));
    const refused = await order("hoarder+2@example.com", [{ productId: id, quantity: 1 }]);
    expectRefused(refused, [{ holder: "email", limit: "orders", max: EMAIL_CAPS.orders, held: 2, requested: 1 }]);
    // Until the holder's latest reservation lapses (35 min by default).
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(35 * 60);
    expect(await t.stockOf(id)).toBe(48);
    expect(await ordersOf(["hoarder@example.com", "Hoarder+1@Example.COM", "hoarder+2@example.com"])).toHaveLength(2);
    expect(await held("hold#email#hoarder@example.com")).toEqual({ units: 2, orders: 2 });
  });

  it("holds at most its units, and of one product at most the product's cap", async () => {
    const [a, b] = [product(1), product(2)];
    await t.setStock(a, 50);
    await t.setStock(b, 50);
    expectPlaced(await order("bulk@example.com", [{ productId: a, quantity: 3 }]));
    expectRefused(await order("bulk@example.com", [{ productId: a, quantity: 1 }]), [
      { holder: "email", limit: "perProduct", productId: a, max: EMAIL_CAPS.perProduct, held: 3, requested: 1 },
    ]);
    expectRefused(await order("bulk@example.com", [{ productId: b, quantity: 2 }]), [{ holder: "email", limit: "units", max: EMAIL_CAPS.units, held: 3, requested: 2 }]);
    expectPlaced(await order("bulk@example.com", [{ productId: b, quantity: 1 }]));
    expect(await t.stockOf(a)).toBe(47);
    expect(await t.stockOf(b)).toBe(49);
  });

  it("holds at most a hot product's maxPerCustomer, and an order over it alone is refused without Retry-After", async () => {
    const maxPerCustomer = seedProducts.find((p) => p.id === FLASH_SALE_PRODUCT_ID)!.maxPerCustomer!;
    expect(maxPerCustomer).toBeLessThan(EMAIL_CAPS.perProduct);
    await t.setStock(FLASH_SALE_PRODUCT_ID, 20);
    const tooMany = await order("fan@example.com", [{ productId: FLASH_SALE_PRODUCT_ID, quantity: maxPerCustomer + 1 }]);
    expectRefused(tooMany, [{ holder: "email", limit: "perProduct", productId: FLASH_SALE_PRODUCT_ID, max: maxPerCustomer, requested: maxPerCustomer + 1 }]);
    expect(tooMany.headers.get("retry-after")).toBeNull();
    expectPlaced(await order("fan@example.com", [{ productId: FLASH_SALE_PRODUCT_ID, quantity: maxPerCustomer }]));
    expectRefused(await order("FAN+again@example.com", [{ productId: FLASH_SALE_PRODUCT_ID, quantity: 1 }]), [
      { holder: "email", limit: "perProduct", productId: FLASH_SALE_PRODUCT_ID, max: maxPerCustomer, held: maxPerCustomer, requested: 1 },
    ]);
    expect(await t.stockOf(FLASH_SALE_PRODUCT_ID)).toBe(20 - maxPerCustomer);
  });
});

describe("one client address", () => {
  it("holds at most its caps across many emails; an IPv6 client counts by its /64", async () => {
    const id = product(3);
    await t.setStock(id, 50);
    const sameSlash64 = (i: number) => `2001:db8:bad:1:${i.toString(16)}::${i}`;
    for (let i = 1; i <= CLIENT_CAPS.orders; i++) expectPlaced(await order(`sock${i}@example.com`, [{ productId: id, quantity: 1 }], sameSlash64(i)));
    expectRefused(await order("sock99@example.com", [{ productId: id, quantity: 1 }], sameSlash64(99)), [
      { holder: "client", limit: "orders", max: CLIENT_CAPS.orders, held: CLIENT_CAPS.orders, requested: 1 },
    ]);
    // The next /64 is another client.
    expectPlaced(await order("neighbour@example.com", [{ productId: id, quantity: 1 }], "2001:db8:bad:2::1"));
    expect(await t.stockOf(id)).toBe(50 - CLIENT_CAPS.orders - 1);
    expect(await held("hold#client#2001:db8:bad:1::/64")).toEqual({ units: CLIENT_CAPS.orders, orders: CLIENT_CAPS.orders });
  });
});

describe("freeing a hold", () => {
  it("frees it when the shopper cancels (a changed cart), so the new order goes through", async () => {
    const id = product(4);
    await t.setStock(id, 50);
    const first = expectPlaced(await order("changer@example.com", [{ productId: id, quantity: 1 }]));
    expectPlaced(await order("changer@example.com", [{ productId: id, quantity: 2 }]));
    expect((await order("changer@example.com", [{ productId: id, quantity: 1 }])).status).toBe(429);
    const cancelled = await t.api.post(`/orders/${first.order.id}/cancel`, {}, { authorization: `Bearer ${first.accessToken}` });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(await held("hold#email#changer@example.com")).toEqual({ units: 2, orders: 1 });
    expectPlaced(await order("changer@example.com", [{ productId: id, quantity: 1 }]));
    // Cancelling again frees nothing twice.
    expect((await t.api.post(`/orders/${first.order.id}/cancel`, {}, { authorization: `Bearer ${first.accessToken}` })).status).toBe(200);
    expect(await held("hold#email#changer@example.com")).toEqual({ units: 3, orders: 2 });
    expect(await t.stockOf(id)).toBe(47);
  });

  it("frees it when the order is paid (the stock stays sold)", async () => {
    const id = product(5);
    await t.setStock(id, 50);
    const address = freshAddress();
    const paid = expectPlaced(await order("payer@example.com", [{ productId: id, quantity: 2 }], address));
    expectPlaced(await order("payer@example.com", [{ productId: id, quantity: 1 }], address));
    expect((await order("payer@example.com", [{ productId: id, quantity: 1 }], address)).status).toBe(429);
    expect((await payOnCheckoutPage(paid.checkoutUrl, "4242 4242 4242 4242")).status).toBe(303);
    await waitFor("CONFIRMED", async () => ((await orderStatus(t.api, paid.order.id, paid.accessToken)) === "CONFIRMED" ? true : undefined));
    expect(await held("hold#email#payer@example.com")).toEqual({ units: 1, orders: 1 });
    expect(await held(`hold#client#${address}`)).toEqual({ units: 1, orders: 1 });
    expect(await held(`hold#product#${id}#email#payer@example.com`)).toEqual({ units: 1, orders: 0 });
    expectPlaced(await order("payer@example.com", [{ productId: id, quantity: 2 }], address));
    expect(await t.stockOf(id)).toBe(45);
  });

  it("frees it when the sweeper settles a lapsed reservation, exactly once", async () => {
    const id = product(6);
    await t.setStock(id, 50);
    const address = freshAddress();
    for (let i = 0; i < EMAIL_CAPS.orders; i++) expectPlaced(await order("sleeper@example.com", [{ productId: id, quantity: 1 }], address));
    expect(await held("hold#email#sleeper@example.com")).toEqual({ units: 2, orders: 2 });
    const farFuture = new Date(Date.now() + 48 * 3600 * 1000);
    const deps = { store: t.store, checkout: createStripeCheckoutGateway(stripe), now: () => farFuture };
    const sweep = await sweepLapsedOrders(deps, { graceSeconds: 0, limitPerShard: 100 });
    expect(sweep.failures).toEqual([]);
    // The sweeper expired the sessions, so Stripe sends checkout.session.expired too: still one release each.
    await t.stack.stripe!.whenDeliveriesSettled();
    await sweepLapsedOrders(deps, { graceSeconds: 0, limitPerShard: 100 });
    expect((await ordersOf(["sleeper@example.com"])).map((o) => o.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(await held("hold#email#sleeper@example.com")).toEqual({ units: 0, orders: 0 });
    expect(await held(`hold#client#${address}`)).toEqual({ units: 0, orders: 0 });
    expect(await t.stockOf(id)).toBe(50);
    expectPlaced(await order("sleeper@example.com", [{ productId: id, quantity: 1 }], address));
  });
});

describe("concurrent attempts", () => {
  it("never let one email past its caps, whichever requests win", async () => {
    const id = product(7);
    await t.setStock(id, 50);
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => order(`racer+${i}@example.com`, [{ productId: id, quantity: 1 }])));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(EMAIL_CAPS.orders);
    for (const refused of responses.filter((r) => r.status !== 201)) expect(refused.body.error.code).toBe("HOLD_LIMIT_REACHED");
    expect(await held("hold#email#racer@example.com")).toEqual({ units: EMAIL_CAPS.orders, orders: EMAIL_CAPS.orders });
    expect(await t.stockOf(id)).toBe(50 - EMAIL_CAPS.orders);
  });

  it("never let one client address past its caps", async () => {
    const id = product(8);
    await t.setStock(id, 50);
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => order(`crowd${i}@example.com`, [{ productId: id, quantity: 1 }], "203.0.113.50")));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(CLIENT_CAPS.orders);
    for (const refused of responses.filter((r) => r.status !== 201)) expect(refused.body.error.code).toBe("HOLD_LIMIT_REACHED");
    expect(await held("hold#client#203.0.113.50")).toEqual({ units: CLIENT_CAPS.orders, orders: CLIENT_CAPS.orders });
    expect(await t.stockOf(id)).toBe(50 - CLIENT_CAPS.orders);
  });
});
