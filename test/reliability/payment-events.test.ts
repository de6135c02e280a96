// Stripe's delivery at its worst, end to end: expiries that reach the worker before the completion
// of the same (paid) session, then every event of many orders three times under new ids,
// concurrently and shuffled; one expiry handled many times at the same moment; delayed (ACH)
// payments that settle or fail after the session completed; events nobody expects; and an
// abandoned checkout whose expiry webhook races the sweeper. Each order changes state once and
// stock moves once.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepLapsedOrders } from "@shopwave/core/orders/sweep-lapsed-orders";
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { payByBankDebitOnCheckoutPage, payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { drainQueue, invokeWorker, queueDepth, untilQueueDrained, withPoller } from "../support/queues";
import { checkoutSessionEvent, postWebhook, signatureHeader, withNewEventId } from "../support/stripe-webhook";
import { orderStatus, placeOrder, startTestStack, TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, type PlacedOrder, type TestStack } from "../support/test-stack";

let t: TestStack;
let stripe: Stripe;
const counts = { eventsReplayed: 0, ordersSettled: 0 };

beforeAll(async () => {
  // No poller in this process until a test asks for one, so deliveries can be staged first.
  t = await startTestStack({ startPoller: false, stripeSimulator: { bankDebitSettleMs: null } });
  stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
});
afterAll(async () => {
  console.info(`payment events: ${counts.eventsReplayed} deliveries replayed, ${counts.ordersSettled} orders settled`);
  await t?.stop();
});

const deliver = (payload: string) => postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET));

async function eventsFor(sessionIds: Set<string>): Promise<string[]> {
  const payloads: string[] = [];
  for (const delivery of t.stack.stripe!.deliveries) {
    const event = await stripe.events.retrieve(delivery.eventId);
    if (sessionIds.has((event.data.object as { id: string }).id)) payloads.push(JSON.stringify(event));
  }
  return payloads;
}

async function untilStatus(placed: { order: { id: string }; accessToken: string }, status: string) {
  await waitFor(`${placed.order.id} ${status}`, async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === status ? true : undefined), 30_000);
}

it("applies 25 orders' events once when each expiry arrives before its completion, then everything 3 times, concurrently and shuffled", async () => {
  await drainQueue(t);
  const product = seedProducts[2]!.id;
  await t.setStock(product, 100);
  const paid: PlacedOrder[] = [];
  const abandoned: PlacedOrder[] = [];
  for (let i = 0; i < 20; i++) paid.push(await placeOrder(t.api, product, 2, `storm-paid${i}@example.com`));
  for (let i = 0; i < 5; i++) abandoned.push(await placeOrder(t.api, product, 1, `storm-abandoned${i}@example.com`));
  expect(await t.stockOf(product)).toBe(100 - 40 - 5);
  for (const placed of paid) expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
  for (const placed of abandoned) await stripe.checkout.sessions.expire(placed.order.checkoutSessionId);
  await t.stack.stripe!.whenDeliveriesSettled();
  // Stripe's truth, which every expiry must be checked against: the paid sessions are complete and paid.
  for (const placed of paid) {
    const session = await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId);
    expect([session.status, session.payment_status]).toEqual(["complete", "paid"]);
  }

  // The genuine deliveries are taken off the queue unprocessed: from here on, the order in which
  // the worker sees the events is the test's, not the order Stripe sent them in.
  expect(await drainQueue(t)).toHaveLength(25);
  const genuine = await eventsFor(new Set([...paid, ...abandoned].map((placed) => placed.order.checkoutSessionId)));
  expect(genuine).toHaveLength(25);

  // First, an expiry for every paid session arrives before its completion (new event ids, so the
  // webhook's dedupe lets them through), each delivered three times at once.
  const earlyExpiries = paid.map((placed) =>
    checkoutSessionEvent("checkout.session.expired", { id: placed.order.checkoutSessionId, orderId: placed.order.id, paymentStatus: "unpaid", paymentIntent: null }),
  );
  const first = earlyExpiries.flatMap((payload) => [payload, payload, payload]).sort(() => Math.random() - 0.5);
  const firstResponses = await Promise.all(first.map(deliver));
  expect(firstResponses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
  await withPoller(t, () => untilQueueDrained(t));
  // Stripe says paid: the expiry confirmed the orders instead of releasing their stock.
  for (const placed of paid) expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CONFIRMED");
  for (const placed of abandoned) expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("PENDING_PAYMENT");
  expect(await t.stockOf(product)).toBe(100 - 40 - 5);

  // Then the genuine events and the early expiries again, each three times under three new ids
  // (so none is deduplicated away before the worker), concurrently and shuffled.
  const second = [...genuine, ...earlyExpiries].flatMap((payload) => [withNewEventId(payload), withNewEventId(payload), withNewEventId(payload)]).sort(() => Math.random() - 0.5);
  counts.eventsReplayed += first.length + second.length;
  const secondResponses = await Promise.all(second.map(deliver));
  expect(secondResponses.map((response) => response.status).every((status) => status === 200)).toBe(true);
  expect(await queueDepth(t)).toBe(second.length);
  await withPoller(t, () => untilQueueDrained(t));
  counts.ordersSettled += 25;
  for (const placed of paid) expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CONFIRMED");
  for (const placed of abandoned) expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CANCELLED");
  expect(await t.stockOf(product)).toBe(100 - 40);
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(0);
});

it("releases an abandoned order's stock once when its expiry reaches the worker many times at the same moment", async () => {
  await drainQueue(t);
  const product = seedProducts[7]!.id;
  await t.setStock(product, 10);
  const placed = await placeOrder(t.api, product, 4);
  await stripe.checkout.sessions.expire(placed.order.checkoutSessionId);
  await t.stack.stripe!.whenDeliveriesSettled();
  const [expiry] = await eventsFor(new Set([placed.order.checkoutSessionId]));
  // The genuine delivery and three more under new ids wait on the queue; four pollers take them
  // together while the worker is also handed the event four times in one batch, so the cancel runs
  // side by side, each copy finding the order still pending.
  for (let i = 0; i < 3; i++) expect((await deliver(withNewEventId(expiry!))).status).toBe(200);
  expect(await queueDepth(t)).toBe(4);
  await withPoller(
    t,
    async () => {
      expect(await invokeWorker(t, [expiry!, expiry!, expiry!, expiry!])).toEqual({ batchItemFailures: [] });
      await untilQueueDrained(t);
    },
    4,
  );
  expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CANCELLED");
  expect(await t.stockOf(product)).toBe(10);
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(0);
});

describe("delayed (ACH) payments", () => {
  it("keep the order pending while the debit settles, then confirm it", async () => {
    const product = seedProducts[3]!.id;
    await t.setStock(product, 10);
    const placed = await placeOrder(t.api, product, 2);
    await withPoller(t, async () => {
      expect((await payByBankDebitOnCheckoutPage(placed.checkoutUrl, "000123456789")).status).toBe(303);
      await t.stack.stripe!.whenDeliveriesSettled();
      await untilQueueDrained(t);
      const session = await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId);
      expect([session.status, session.payment_status]).toEqual(["complete", "unpaid"]);
      expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("PENDING_PAYMENT");
      expect(await t.stockOf(product)).toBe(8);

      expect(t.stack.stripe!.settleBankDebit(placed.order.checkoutSessionId)).toBe(true);
      await untilStatus(placed, "CONFIRMED");
    });
    counts.ordersSettled++;
    expect(await t.stockOf(product)).toBe(8);
  });

  it("cancel the order and release its stock when the debit fails", async () => {
    const product = seedProducts[4]!.id;
    await t.setStock(product, 10);
    const placed = await placeOrder(t.api, product, 3);
    await withPoller(t, async () => {
      expect((await payByBankDebitOnCheckoutPage(placed.checkoutUrl, "000111111113")).status).toBe(303);
      await t.stack.stripe!.whenDeliveriesSettled();
      await untilQueueDrained(t);
      expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("PENDING_PAYMENT");
      expect(t.stack.stripe!.settleBankDebit(placed.order.checkoutSessionId)).toBe(true);
      await untilStatus(placed, "CANCELLED");
    });
    counts.ordersSettled++;
    expect(await t.stockOf(product)).toBe(10);
  });
});

it("acknowledges events nobody expects (unknown types, unknown orders) and lets them pass without effect or DLQ", async () => {
  await drainQueue(t);
  const unknownType = checkoutSessionEvent("invoice.paid", { id: "cs_test_unknown", orderId: "ord_00000000000000000000000000" });
  const unknownOrder = checkoutSessionEvent("checkout.session.completed", { id: "cs_test_unknown", orderId: "ord_zzzzzzzzzzzzzzzzzzzzzzzzzz" });
  const notOurs = checkoutSessionEvent("checkout.session.completed", { id: "cs_test_other_app", orderId: "" });
  for (const payload of [unknownType, unknownOrder, notOurs]) expect((await deliver(payload)).status).toBe(200);
  await withPoller(t, async () => {
    await untilQueueDrained(t);
  });
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(0);
});

it("confirms rather than cancels when a shopper cancels an order whose payment went through but is not yet processed", async () => {
  await drainQueue(t);
  const product = seedProducts[6]!.id;
  await t.setStock(product, 10);
  const placed = await placeOrder(t.api, product, 2);
  expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
  // No worker runs: the completion waits on the queue while the shopper (in another tab) cancels.
  const refused = await t.api.raw("POST", `/orders/${placed.order.id}/cancel`, { headers: { authorization: `Bearer ${placed.accessToken}` } });
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: "ORDER_NOT_CANCELLABLE", details: { status: "CONFIRMED" } });
  expect(await t.stockOf(product)).toBe(8);
  await withPoller(t, async () => {
    await untilQueueDrained(t);
  });
  expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CONFIRMED");
  expect(await t.stockOf(product)).toBe(8);
});

it("releases an abandoned order's stock once when its expiry webhook and the sweeper race", async () => {
  const product = seedProducts[5]!.id;
  await t.setStock(product, 20);
  const orders: PlacedOrder[] = [];
  for (let i = 0; i < 5; i++) orders.push(await placeOrder(t.api, product, 2, `race${i}@example.com`));
  expect(await t.stockOf(product)).toBe(10);
  const farFuture = new Date(Date.now() + 48 * 3600 * 1000);
  const sweep = () =>
    sweepLapsedOrders({ store: t.store, checkout: createStripeCheckoutGateway(stripe), now: () => farFuture }, { graceSeconds: 0, limitPerShard: 100 });
  await withPoller(t, async () => {
    // Each session is expired by Stripe (→ webhook → worker) while two sweeps run at the same time.
    const results = await Promise.all([
      ...orders.map((placed) => stripe.checkout.sessions.expire(placed.order.checkoutSessionId).catch(() => undefined)),
      sweep(),
      sweep(),
    ]);
    for (const result of results.slice(orders.length)) expect((result as { failures: unknown[] }).failures).toEqual([]);
    for (const placed of orders) await untilStatus(placed, "CANCELLED");
    await t.stack.stripe!.whenDeliveriesSettled();
    await untilQueueDrained(t);
  });
  counts.ordersSettled += orders.length;
  expect(await t.stockOf(product)).toBe(20);
});
