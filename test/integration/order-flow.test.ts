// The shopper's order path through the real handlers on the local stack: browse, order, pay
// on the hosted page, and watch the order settle; declines, expiry and access control.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepLapsedOrders } from "@shopwave/core/orders/sweep-lapsed-orders";
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { postWebhook, signatureHeader } from "../support/stripe-webhook";
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
    await t.stack.stripe!.whenDeliveriesSettled();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CONFIRMED");
    await stripe.refunds.create({ payment_intent: paymentIntent });
    await waitFor("REFUNDED", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "REFUNDED" ? true : undefined));

    // Stripe redelivers the refund event: nothing changes.
    const payload = JSON.stringify(await sentEvent("charge.refunded", paymentIntent, "payment_intent"));
    expect((await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("REFUNDED");
    expect(await t.stockOf(id)).toBe(8);
  });
});

describe("an abandoned checkout", () => {
  it("is cancelled on checkout.session.expired and releases its stock exactly once", async () => {
    const id = product(3);
    await t.setStock(id, 10);
    const placed = await placeOrder(t.api, id, 3);
    expect(await t.stockOf(id)).toBe(7);

    await stripe.checkout.sessions.expire(placed.order.checkoutSessionId);
    await waitFor("CANCELLED", async () =>
      (await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CANCELLED" ? true : undefined,
    );
    expect(await t.stockOf(id)).toBe(10);

    // Stripe redelivers: the same expired event twice more, and the sweeper runs too.
    const payload = JSON.stringify(await sentEvent("checkout.session.expired", placed.order.checkoutSessionId));
    for (let i = 0; i < 2; i++) {
      const delivered = await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET));
      expect(delivered.status).toBe(200);
    }
    const farFuture = new Date(Date.now() + 48 * 3600 * 1000);
    const sweep = await sweepLapsedOrders(
      {
        store: t.store,
        checkout: createStripeCheckoutGateway(stripe),
        now: () => farFuture,
      },
      { graceSeconds: 0, limitPerShard: 100 },
    );
    expect(sweep.failures).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await t.stockOf(id)).toBe(10);
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CANCELLED");
  });

  it("is settled by the sweeper when no expiry webhook ever arrives", async () => {
    const id = product(4);
    await t.setStock(id, 5);
    const placed = await placeOrder(t.api, id, 2);
    expect(await t.stockOf(id)).toBe(3);
    const farFuture = new Date(Date.now() + 48 * 3600 * 1000);
    const deps = { store: t.store, checkout: createStripeCheckoutGateway(stripe), now: () => farFuture };
    const first = await sweepLapsedOrders(deps, { graceSeconds: 0, limitPerShard: 100 });
    expect(first.failures).toEqual([]);
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CANCELLED");
    expect((await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).status).toBe("expired");
    // The sweeper expired the session, so Stripe also sends checkout.session.expired: still one release.
    await t.stack.stripe!.whenDeliveriesSettled();
    await sweepLapsedOrders(deps, { graceSeconds: 0, limitPerShard: 100 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await t.stockOf(id)).toBe(5);
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
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await t.stockOf(id)).toBe(10);
    // The hosted page no longer takes a payment.
    expect((await fetch(placed.checkoutUrl)).status).toBe(200);
    await expect(payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).rejects.toThrow(/no form/);
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
