// The webhook endpoint under Stripe's delivery semantics: forged, stale and tampered
// deliveries are refused and enqueue nothing; redeliveries enqueue once; duplicated and
// reordered events have one effect on the order; an expiry is checked with Stripe before stock
// is released. The queue is read directly (no poller) so
// "nothing enqueued" is observed, not inferred; a poller is started when effects are checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { drainQueue, queueDepth, withPoller } from "../support/queues";
import { checkoutSessionEvent, postWebhook, signatureHeader } from "../support/stripe-webhook";
import { orderStatus, placeOrder, startTestStack, TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, type TestStack } from "../support/test-stack";

let t: TestStack;
let stripe: Stripe;
beforeAll(async () => {
  t = await startTestStack({ startPoller: false });
  stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
});
afterAll(async () => t?.stop());

const fakeSession = (orderId = "ord_00000000000000000000000000") => ({ id: "cs_test_forged", orderId });

describe("signature verification", () => {
  const payload = checkoutSessionEvent("checkout.session.completed", fakeSession());
  const now = Math.floor(Date.now() / 1000);

  it.each([
    ["a missing signature", undefined, "MISSING_SIGNATURE"],
    ["a signature made with another secret", signatureHeader(payload, "whsec_attacker"), "INVALID_SIGNATURE"],
    ["a garbage signature header", "t=1,v1=deadbeef", "INVALID_SIGNATURE"],
    ["a timestamp beyond the 300 s tolerance", signatureHeader(payload, TEST_WEBHOOK_SECRET, now - 301), "INVALID_SIGNATURE"],
  ])("refuses %s with 400 and enqueues nothing", async (_name, signature, code) => {
    const response = await postWebhook(t.stack.urls.api, payload, signature);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect(await queueDepth(t)).toBe(0);
  });

  it("refuses a body altered after signing", async () => {
    const signature = signatureHeader(payload, TEST_WEBHOOK_SECRET);
    const altered = payload.replace('"paid"', '"unpaid"');
    expect(altered).not.toBe(payload);
    const response = await postWebhook(t.stack.urls.api, altered, signature);
    expect(response.status).toBe(400);
    expect(await queueDepth(t)).toBe(0);
  });

  it("accepts the same payload correctly signed (so the refusals above are about the signature)", async () => {
    const response = await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET));
    expect(response.status).toBe(200);
    expect((await drainQueue(t)).length).toBe(1);
  });
});

describe("delivery semantics", () => {
  it("enqueues an event once however often Stripe redelivers it", async () => {
    const payload = checkoutSessionEvent("checkout.session.completed", fakeSession());
    const results = await Promise.all(
      [0, 1, 2].map(() => postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET))),
    );
    // Concurrent duplicates: one enqueues, the others see it done (200) or in progress (409, Stripe retries).
    expect(results.map((r) => r.status).every((s) => s === 200 || s === 409)).toBe(true);
    await waitFor("all deliveries acknowledged", async () => {
      const again = await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET));
      return again.status === 200 ? true : undefined;
    });
    const messages = await drainQueue(t);
    expect(messages.length).toBe(1);
    expect(JSON.parse(messages[0]!.Body!).id).toBe(JSON.parse(payload).id);
  });

  it("acknowledges and ignores event types it does not handle", async () => {
    const payload = checkoutSessionEvent("customer.created", fakeSession());
    const response = await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, ignored: true });
    expect(await queueDepth(t)).toBe(0);
  });

  it("applies each order's events once when every event arrives 3 times, concurrently and shuffled", async () => {
    await drainQueue(t);
    const product = seedProducts[6]!.id;
    await t.setStock(product, 50);
    const orders = await Promise.all([0, 1, 2, 3, 4].map(() => placeOrder(t.api, product, 2)));
    expect(await t.stockOf(product)).toBe(40);

    // Genuine events from the simulator: three orders paid, two abandoned and expired.
    for (const placed of orders.slice(0, 3)) expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    for (const placed of orders.slice(3)) await stripe.checkout.sessions.expire(placed.order.checkoutSessionId);
    await t.stack.stripe!.whenDeliveriesSettled();
    const sessionIds = new Set(orders.map((placed) => placed.order.checkoutSessionId));
    const genuine: string[] = [];
    for (const delivery of t.stack.stripe!.deliveries) {
      const event = await stripe.events.retrieve(delivery.eventId);
      if (sessionIds.has((event.data.object as { id: string }).id)) genuine.push(JSON.stringify(event));
    }
    expect(genuine).toHaveLength(5);
    // Plus a late (forged, correctly signed) expiry for each paid order: it must not undo the payment.
    const lateExpiries = orders
      .slice(0, 3)
      .map((placed) =>
        checkoutSessionEvent("checkout.session.expired", { id: placed.order.checkoutSessionId, orderId: placed.order.id, paymentStatus: "unpaid", paymentIntent: null }),
      );

    const deliveries = [...genuine, ...lateExpiries].flatMap((payload) => [payload, payload, payload]).sort(() => Math.random() - 0.5);
    const responses = await Promise.all(deliveries.map((p) => postWebhook(t.stack.urls.api, p, signatureHeader(p, TEST_WEBHOOK_SECRET))));
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);

    await withPoller(t, async () => {
      for (const [i, placed] of orders.entries()) {
        const expected = i < 3 ? "CONFIRMED" : "CANCELLED";
        await waitFor(`${placed.order.id} ${expected}`, async () =>
          (await orderStatus(t.api, placed.order.id, placed.accessToken)) === expected ? true : undefined,
        );
      }
      await waitFor("queue drained", async () => ((await queueDepth(t)) === 0 ? true : undefined));
    });
    // 3 paid orders keep 2 each; 2 expired orders gave theirs back exactly once.
    expect(await t.stockOf(product)).toBe(50 - 3 * 2);
  });

  it("checks an expiry with Stripe before releasing stock: a paid session confirms, an open one changes nothing", async () => {
    const product = seedProducts[8]!.id;
    await t.setStock(product, 10);
    const paid = await placeOrder(t.api, product, 2);
    const open = await placeOrder(t.api, product, 3);
    expect((await payOnCheckoutPage(paid.checkoutUrl, "4242424242424242")).status).toBe(303);
    await t.stack.stripe!.whenDeliveriesSettled();
    // Lose the genuine completion, so the forged expiry is the first (and only) word the worker gets.
    await drainQueue(t);
    for (const placed of [paid, open]) {
      const payload = checkoutSessionEvent("checkout.session.expired", {
        id: placed.order.checkoutSessionId,
        orderId: placed.order.id,
        paymentStatus: "unpaid",
        paymentIntent: null,
      });
      expect((await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET))).status).toBe(200);
    }
    await withPoller(t, async () => {
      await waitFor("paid order confirmed", async () => ((await orderStatus(t.api, paid.order.id, paid.accessToken)) === "CONFIRMED" ? true : undefined));
      await waitFor("queue drained", async () => ((await queueDepth(t)) === 0 ? true : undefined));
    });
    expect(await orderStatus(t.api, open.order.id, open.accessToken)).toBe("PENDING_PAYMENT");
    expect(await t.stockOf(product)).toBe(10 - 2 - 3);
  });
});
