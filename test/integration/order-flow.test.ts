// The shopper's order path through the real handlers on the local stack: browse, order, pay
// on the hosted page, and watch the order settle; prices from the catalog only (the stored order
// and the Checkout Session both), declines, refunds, expiry, the scheduled sweep at the real
// clock, and access control. "Nothing changed" checks wait for the worker to finish first.
import { GetCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SweepResult } from "@shopwave/core/orders/sweep-lapsed-orders";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { invokeWorker, untilEventsProcessed } from "../support/queues";
import { postWebhook, signatureHeader, withNewEventId } from "../support/stripe-webhook";
import { orderStatus, placeOrder, startTestStack, TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, type TestStack } from "../support/test-stack";

let t: TestStack;
let stripe: Stripe;

beforeAll(async () => {
  t = await startTestStack();
  stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
});
afterAll(async () => t?.stop());

const product = (index: number) => seedProducts[index]!.id;
const completedDeliveries = () => t.stack.stripe!.deliveries.filter((d) => d.type === "checkout.session.completed").length;

/** Moves an order's reservation expiry to `secondsAgo` before now (negative: still ahead), as if that much time had passed. */
async function lapse(orderId: string, secondsAgo: number) {
  await t.db.send(
    new UpdateCommand({
      TableName: t.stack.tableNames.orders,
      Key: { id: orderId },
      UpdateExpression: "SET expiresAt = :expiresAt",
      ConditionExpression: "attribute_exists(id)",
      ExpressionAttributeValues: { ":expiresAt": Math.floor(Date.now() / 1000) - secondsAgo },
    }),
  );
}

/** The latest event Stripe sent about an object, fetched back from the API as a redelivery would carry it. */
async function sentEvent(type: string, objectId: string, field = "id") {
  for (const delivery of t.stack.stripe!.deliveries.filter((d) => d.type === type).reverse()) {
    const event = await stripe.events.retrieve(delivery.eventId);
    if ((event.data.object as unknown as Record<string, unknown>)[field] === objectId) return event;
  }
  throw new Error(`No ${type} event was sent for ${objectId}.`);
}

describe("catalog", () => {
  it("answers GET /health", async () => {
    const response = await t.api.get("/health");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
  });

  it("pages through the whole seeded catalog with cursors", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await t.api.get(`/products?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...response.body.items.map((p: { id: string }) => p.id));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(seedProducts.map((p) => p.id).sort());
  });

  it("returns one product with the contract's fields, and 404 for an unknown one", async () => {
    const found = await t.api.get(`/products/${product(0)}`);
    expect(found.status).toBe(200);
    expect(Object.keys(found.body).sort()).toEqual(["currency", "description", "id", "imageUrl", "name", "priceCents", "stock"]);
    const missing = await t.api.get("/products/no-such-product");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("NOT_FOUND");
  });
});

describe("paying for an order", () => {
  it("reserves stock, takes a 4242 payment and reaches CONFIRMED", async () => {
    const id = product(1);
    await t.setStock(id, 20);
    const placed = await placeOrder(t.api, id, 2);
    expect(placed.order.status).toBe("PENDING_PAYMENT");
    expect(placed.order.totalCents).toBe(seedProducts[1]!.priceCents * 2);
    expect(placed.checkoutUrl).toContain(t.stack.urls.stripe!);
    expect(await t.stockOf(id)).toBe(18);

    const paid = await payOnCheckoutPage(placed.checkoutUrl, "4242 4242 4242 4242");
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(`http://localhost:3999/orders/${placed.order.id}?session_id=${placed.order.checkoutSessionId}`);

    await waitFor("CONFIRMED", async () =>
      (await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined,
    );
    expect(await t.stockOf(id)).toBe(18);
    const session = await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId);
    expect(session.payment_status).toBe("paid");
    expect(session.client_reference_id).toBe(placed.order.id);
  });

  it.each([
    ["4000 0000 0000 0002", /declined/i],
    ["4000 0000 0000 9995", /insufficient funds/i],
  ])("never confirms when card %s is declined", async (card, message) => {
    const placed = await placeOrder(t.api, product(2));
    await t.stack.stripe!.whenDeliveriesSettled();
    const completedBefore = completedDeliveries();
    const declined = await payOnCheckoutPage(placed.checkoutUrl, card);
    expect(declined.status).toBe(200);
    expect(declined.location).toBeNull();
    expect(declined.alert).toMatch(message);
    await t.stack.stripe!.whenDeliveriesSettled();
    expect(completedDeliveries()).toBe(completedBefore);
    expect(t.stack.stripe!.getSession(placed.order.checkoutSessionId)?.status).toBe("open");
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("PENDING_PAYMENT");
  });
});

describe("prices", () => {
  const orderCount = async () => (await t.db.send(new ScanCommand({ TableName: t.stack.tableNames.orders, Select: "COUNT", ConsistentRead: true }))).Count ?? 0;
  const catalog = new Map(seedProducts.map((p) => [p.id, p]));
  const priced = [product(11), product(12), product(13)];
  const priceLikeFields = ["unitPriceCents", "priceCents", "totalCents", "amount", "amountCents", "unit_amount", "price", "subtotalCents", "discountCents", "currency"];

  /** The order as the API returned it, read back, stored and sent to Stripe: every price is the catalog's. */
  async function expectCatalogPrices(placed: { order: { id: string; checkoutSessionId: string }; accessToken: string }, requested: { productId: string; quantity: number }[]) {
    const expected = requested.map(({ productId, quantity }) => ({ productId, name: catalog.get(productId)!.name, unitPriceCents: catalog.get(productId)!.priceCents, quantity }));
    const total = expected.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
    const read = await t.api.get(`/orders/${placed.order.id}`, { authorization: `Bearer ${placed.accessToken}` });
    expect(read.body).toMatchObject({ items: expected, totalCents: total, currency: "usd" });
    const stored = (await t.db.send(new GetCommand({ TableName: t.stack.tableNames.orders, Key: { id: placed.order.id }, ConsistentRead: true }))).Item;
    expect(stored).toMatchObject({ items: expected, totalCents: total, currency: "usd" });

    const session = await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId);
    expect([session.amount_total, session.currency]).toEqual([total, "usd"]);
    const lines = await stripe.checkout.sessions.listLineItems(placed.order.checkoutSessionId, { limit: 100 });
    expect(lines.data.map((line) => ({ name: line.description, quantity: line.quantity, unitAmount: line.price?.unit_amount, amountTotal: line.amount_total }))).toEqual(
      expected.map((line) => ({ name: line.name, quantity: line.quantity, unitAmount: line.unitPriceCents, amountTotal: line.unitPriceCents * line.quantity })),
    );
  }

  it("charges catalog price × quantity for every line: the order, its stored record and the Checkout Session agree", async () => {
    for (const id of priced) await t.setStock(id, 50);
    const requested = [
      { productId: priced[0]!, quantity: 2 },
      { productId: priced[1]!, quantity: 3 },
      { productId: priced[2]!, quantity: 1 },
    ];
    const response = await t.api.post("/orders", { email: "prices@example.com", items: requested });
    expect(response.status).toBe(201);
    await expectCatalogPrices(response.body, requested);
    // Repeated lines of one product are one line of their sum.
    const merged = await t.api.post("/orders", { email: "prices@example.com", items: [{ productId: priced[0]!, quantity: 2 }, { productId: priced[0]!, quantity: 4 }] });
    expect(merged.status).toBe(201);
    await expectCatalogPrices(merged.body, [{ productId: priced[0]!, quantity: 6 }]);
  });

  it.each(priceLikeFields)("refuses a client-sent %s on a line or on the order, and writes nothing", async (field) => {
    await t.setStock(priced[0]!, 50);
    const before = await orderCount();
    for (const body of [
      { email: "prices@example.com", items: [{ productId: priced[0]!, quantity: 2, [field]: 1 }] },
      { email: "prices@example.com", items: [{ productId: priced[0]!, quantity: 2 }], [field]: 1 },
    ]) {
      const response = await t.api.post("/orders", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe("VALIDATION_FAILED");
    }
    expect(await orderCount()).toBe(before);
    expect(await t.stockOf(priced[0]!)).toBe(50);
  });

  it("whatever the cart, stores and charges catalog prices, and refuses any cart that names a price (fuzzed)", async () => {
    for (const id of priced) await t.setStock(id, 1_000);
    const cart = fc.uniqueArray(fc.record({ productId: fc.constantFrom(...priced), quantity: fc.integer({ min: 1, max: 10 }) }), {
      minLength: 1,
      maxLength: 3,
      selector: (line) => line.productId,
    });
    // Half the carts name no price (fc.option draws nil 1 in freq times). With the default of 1 in 5, a
    // 25-run draw went without a single accepted cart 0.4 % of the time, which failed the count below in CI.
    const sneakedPrice = fc.option(
      fc.record({ field: fc.constantFrom(...priceLikeFields), value: fc.oneof(fc.constant(0), fc.constant(1), fc.integer()), onLines: fc.boolean() }),
      { nil: undefined, freq: 2 },
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(cart, sneakedPrice, async (items, sneaked) => {
        const body: Record<string, unknown> = { email: "fuzz@example.com", items: items.map((line) => ({ ...line })) };
        // One field at a time, so each is refused on its own account (any other unknown field would be refused anyway).
        if (sneaked) for (const target of sneaked.onLines ? (body.items as Record<string, unknown>[]) : [body]) target[sneaked.field] = sneaked.value;
        const before = await orderCount();
        const response = await t.api.post("/orders", body);
        if (sneaked) {
          expect(response.status).toBe(400);
          expect(await orderCount()).toBe(before);
          return;
        }
        expect(response.status).toBe(201);
        accepted++;
        await expectCatalogPrices(response.body, items);
      }),
      // The example makes sure a multi-line cart with quantities above 1 is charged on every run, whatever is drawn.
      { numRuns: 25, examples: [[[{ productId: priced[0]!, quantity: 3 }, { productId: priced[1]!, quantity: 2 }], undefined]] },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});

describe("a refund", () => {
  it("moves a confirmed order to REFUNDED once, keeping its stock where it is", async () => {
    const id = product(6);
    await t.setStock(id, 10);
    const placed = await placeOrder(t.api, id, 2);
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242 4242 4242 4242")).status).toBe(303);
    await waitFor("CONFIRMED", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined));
    const paymentIntent = (await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).payment_intent as string;

    // A partial refund leaves the order confirmed; refunding the rest refunds the order.
    await stripe.refunds.create({ payment_intent: paymentIntent, amount: 100 });
    await untilEventsProcessed(t);
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CONFIRMED");
    await stripe.refunds.create({ payment_intent: paymentIntent });
    await waitFor("REFUNDED", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "REFUNDED" ? true : undefined));

    // Stripe redelivers the refund event: nothing changes.
    const payload = JSON.stringify(await sentEvent("charge.refunded", paymentIntent, "payment_intent"));
    expect((await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET))).status).toBe(200);
    await untilEventsProcessed(t);
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("REFUNDED");
    expect(await t.stockOf(id)).toBe(8);
  });
});

describe("an abandoned checkout", () => {
  it("is cancelled on checkout.session.expired and releases its stock exactly once, however often the cancel path runs again", async () => {
    const id = product(3);
    await t.setStock(id, 10);
    const placed = await placeOrder(t.api, id, 3);
    expect(await t.stockOf(id)).toBe(7);

    await stripe.checkout.sessions.expire(placed.order.checkoutSessionId);
    await waitFor("CANCELLED", async () =>
      (await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CANCELLED" ? true : undefined,
    );
    expect(await t.stockOf(id)).toBe(10);

    // The cancel path runs again, for real: the expiry under new event ids (past the webhook's
    // dedupe, through the queue), the same event three times side by side straight into the
    // worker, the shopper's own cancel, and the scheduled sweep.
    const expired = JSON.stringify(await sentEvent("checkout.session.expired", placed.order.checkoutSessionId));
    for (let i = 0; i < 2; i++) {
      const payload = withNewEventId(expired);
      const delivered = await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET));
      expect(delivered).toEqual({ status: 200, body: { received: true } });
    }
    expect(await invokeWorker(t, [expired, expired, expired])).toEqual({ batchItemFailures: [] });
    const cancelled = await t.api.raw("POST", `/orders/${placed.order.id}/cancel`, { headers: { authorization: `Bearer ${placed.accessToken}` } });
    expect(cancelled.status).toBe(200);
    const sweep = (await t.stack.runSweeper()) as SweepResult;
    expect(sweep.failures).toEqual([]);
    await untilEventsProcessed(t);
    expect(await t.stockOf(id)).toBe(10);
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CANCELLED");
  });

  it("is settled by the scheduled sweep when no expiry webhook ever arrives", async () => {
    const id = product(4);
    await t.setStock(id, 5);
    const placed = await placeOrder(t.api, id, 2);
    expect(await t.stockOf(id)).toBe(3);
    // Its reservation lapsed ten minutes ago, and Stripe never said a word.
    await lapse(placed.order.id, 600);
    const first = (await t.stack.runSweeper()) as SweepResult;
    expect(first.failures).toEqual([]);
    expect(first.outcomes.cancelled).toBe(1);
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CANCELLED");
    expect((await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).status).toBe("expired");
    expect(await t.stockOf(id)).toBe(5);
    // The sweeper expired the session, so Stripe also sends checkout.session.expired: still one release.
    await untilEventsProcessed(t);
    expect(((await t.stack.runSweeper()) as SweepResult).examined).toBe(0);
    await untilEventsProcessed(t);
    expect(await t.stockOf(id)).toBe(5);
  });

  it("at the real clock and the default grace, the sweep leaves fresh orders and those inside the grace pending", async () => {
    const id = product(9);
    await t.setStock(id, 10);
    const fresh = await placeOrder(t.api, id, 1);
    const minutesLeft = await placeOrder(t.api, id, 1);
    const insideGrace = await placeOrder(t.api, id, 1);
    const pastGrace = await placeOrder(t.api, id, 1);
    expect(await t.stockOf(id)).toBe(6);
    // A shopper with three minutes left; one whose reservation lapsed two minutes ago (Stripe's own
    // expiry webhook may still be on its way); one ten minutes past it.
    await lapse(minutesLeft.order.id, -180);
    await lapse(insideGrace.order.id, 120);
    await lapse(pastGrace.order.id, 600);

    const sweep = (await t.stack.runSweeper()) as SweepResult;

    expect(sweep.failures).toEqual([]);
    expect(sweep.outcomes).toEqual({ cancelled: 1 });
    for (const placed of [fresh, minutesLeft, insideGrace]) {
      expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("PENDING_PAYMENT");
      expect((await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).status).toBe("open");
    }
    expect(await orderStatus(t.api, pastGrace.order.id, pastGrace.accessToken)).toBe("CANCELLED");
    expect(await t.stockOf(id)).toBe(7);
    // The shopper with minutes left can still pay.
    expect((await payOnCheckoutPage(minutesLeft.checkoutUrl, "4242 4242 4242 4242")).status).toBe(303);
    await untilEventsProcessed(t);
    expect(await orderStatus(t.api, minutesLeft.order.id, minutesLeft.accessToken)).toBe("CONFIRMED");
    // Tidy up: nothing of this test stays pending and lapsed for the next sweep.
    for (const placed of [fresh, insideGrace]) await stripe.checkout.sessions.expire(placed.order.checkoutSessionId);
    await untilEventsProcessed(t);
  });
});

describe("a shopper cancelling their pending order", () => {
  const cancel = (orderId: string, token: string) => t.api.raw("POST", `/orders/${orderId}/cancel`, { headers: { authorization: `Bearer ${token}` } });

  it("expires the Checkout Session and releases the stock now, once", async () => {
    const id = product(7);
    await t.setStock(id, 10);
    const placed = await placeOrder(t.api, id, 4);
    expect(await t.stockOf(id)).toBe(6);
    const cancelled = await cancel(placed.order.id, placed.accessToken);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: placed.order.id, status: "CANCELLED", cancellationReason: "cancelled_by_shopper", checkoutUrl: null });
    expect(await t.stockOf(id)).toBe(10);
    expect((await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).status).toBe("expired");
    // The expiry webhook that follows, and a second cancel, change nothing.
    await t.stack.stripe!.whenDeliveriesSettled();
    expect((await cancel(placed.order.id, placed.accessToken)).status).toBe(200);
    await untilEventsProcessed(t);
    expect(await t.stockOf(id)).toBe(10);
    // The hosted page no longer takes a payment.
    expect((await fetch(placed.checkoutUrl)).status).toBe(200);
    await expect(payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).rejects.toThrow(/no form/);
  });

  it("with another order's token, answers 404 and leaves a pending order pending, payable and holding its stock", async () => {
    const id = product(10);
    await t.setStock(id, 10);
    const mine = await placeOrder(t.api, id, 2);
    const other = await placeOrder(t.api, id, 1);
    expect(await t.stockOf(id)).toBe(7);
    for (const response of [await cancel(mine.order.id, other.accessToken), await t.api.raw("POST", `/orders/${mine.order.id}/cancel`)]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: "NOT_FOUND", message: "Order was not found." } });
    }
    await untilEventsProcessed(t);
    expect(await orderStatus(t.api, mine.order.id, mine.accessToken)).toBe("PENDING_PAYMENT");
    expect((await stripe.checkout.sessions.retrieve(mine.order.checkoutSessionId)).status).toBe("open");
    expect(await t.stockOf(id)).toBe(7);
    expect((await payOnCheckoutPage(mine.checkoutUrl, "4242424242424242")).status).toBe(303);
    await waitFor("CONFIRMED", async () => ((await orderStatus(t.api, mine.order.id, mine.accessToken)) === "CONFIRMED" ? true : undefined));
    expect((await cancel(other.order.id, other.accessToken)).status).toBe(200);
    expect(await t.stockOf(id)).toBe(8);
  });

  it("refuses to cancel a paid order, and answers a wrong token as if the order did not exist", async () => {
    const id = product(8);
    await t.setStock(id, 10);
    const placed = await placeOrder(t.api, id, 1);
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await waitFor("CONFIRMED", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined));
    const refused = await cancel(placed.order.id, placed.accessToken);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "ORDER_NOT_CANCELLABLE", details: { status: "CONFIRMED" } });
    const other = await placeOrder(t.api, id, 1);
    for (const response of [await cancel(placed.order.id, other.accessToken), await t.api.raw("POST", `/orders/${placed.order.id}/cancel`)]) {
      expect(response.status).toBe(404);
    }
    expect(await t.stockOf(id)).toBe(8);
  });
});

describe("reading an order", () => {
  it("needs the order's own token and does not reveal whether an order exists", async () => {
    const placed = await placeOrder(t.api, product(5));
    const other = await placeOrder(t.api, product(5));
    const viaHeader = await t.api.get(`/orders/${placed.order.id}`, { authorization: `Bearer ${placed.accessToken}` });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body).toMatchObject({ id: placed.order.id, status: "PENDING_PAYMENT", email: "shopper@example.com" });
    expect(viaHeader.text).not.toContain("accessTokenHash");

    const wrongToken = await t.api.get(`/orders/${placed.order.id}?token=${other.accessToken}`);
    const noToken = await t.api.get(`/orders/${placed.order.id}`);
    const unknown = await t.api.get(`/orders/ord_00000000000000000000000000?token=${placed.accessToken}`);
    for (const response of [wrongToken, noToken, unknown]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: "NOT_FOUND", message: "Order was not found." } });
    }
  });
});
