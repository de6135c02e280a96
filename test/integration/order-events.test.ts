// The order events pipeline end to end on the local stack: orders table stream → publisher (the
// stream poller acting as Lambda's mapping) → local EventBridge bus → each consumer's queue →
// consumer. A paid order is exactly one OrderConfirmed on the bus and one sale counted, however
// often Stripe's webhook arrives; a publisher whose PutEvents fails is retried from the stream and
// nothing is lost; an event its consumer keeps failing ends in that consumer's DLQ and, once the
// cause is gone, `npm run dlq -- redrive --consumer` brings it home.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventConsumers } from "@shopwave/infra/topology";
import { readSalesCounters } from "@shopwave/core/order-events/sales-counters";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { listParked, queueDeclarationFor, redriveParked } from "@shopwave/local/cli/dlq-command";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { startEventBusFaults, type EventBusFaults } from "../support/event-bus-faults";
import { queueDepth, untilQueueDrained } from "../support/queues";
import { postWebhook, signatureHeader, withNewEventId } from "../support/stripe-webhook";
import { placeOrder, startTestStack, TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, type PlacedOrder, type TestStack } from "../support/test-stack";


const consumers = Object.keys(eventConsumers) as (keyof typeof eventConsumers)[];
let t: TestStack;
let stripe: Stripe;
let faults: EventBusFaults;
const counts = { webhookCopies: 0, putEventsFailed: 0 };

beforeAll(async () => {
  faults = await startEventBusFaults();
  t = await startTestStack({ dynamoDbFaults: true, handlerEnv: { AWS_ENDPOINT_URL_EVENTBRIDGE: faults.endpoint } });
  faults.setTarget(t.stack.urls.events);
  stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
});
afterAll(async () => {
  console.info(`order events: ${counts.webhookCopies} webhook copies delivered, ${counts.putEventsFailed} PutEvents calls failed on purpose`);
  await t?.stop();
  await faults?.stop();
});

/** The barrier: every webhook answered, the worker done, every order change published and delivered, every consumer done. */
async function settled() {
  await t.stack.stripe!.whenDeliveriesSettled();
  await untilQueueDrained(t);
  await t.stack.orderEvents.whenPublished(60_000);
  for (const name of consumers) await untilQueueDrained(t, t.stack.eventQueueUrls[name].queue);
}

/** The order's events as the bus accepted them, in order: their detail-types. */
function onBus(orderId: string): string[] {
  const events = t.stack.orderEvents.bus.events.get(t.stack.orderEvents.busName) ?? [];
  return events.filter((event) => (event.detail as { orderId?: string }).orderId === orderId).map((event) => event["detail-type"]);
}

async function timelineOf(placed: PlacedOrder): Promise<string[]> {
  const response = await t.api.get(`/orders/${placed.order.id}`, { authorization: `Bearer ${placed.accessToken}` });
  expect(response.status).toBe(200);
  return (response.body.timeline as { kind: string }[]).map((entry) => entry.kind);
}

const unitsSold = async (productId: string) => (await readSalesCounters(t.store, productId)).total.unitsSold;

describe("the order events pipeline", () => {
  it("turns a paid order into exactly one OrderPlaced and one OrderConfirmed, its timeline and one counted sale", async () => {
    const product = seedProducts[0]!.id;
    const before = await unitsSold(product);
    const placed = await placeOrder(t.api, product, 2, "events-paid@example.com");
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await settled();
    expect(onBus(placed.order.id)).toEqual(["OrderPlaced", "OrderConfirmed"]);
    expect((await timelineOf(placed)).filter((kind) => kind !== "email_sent")).toEqual(["placed", "payment_received", "confirmed"]);
    expect((await unitsSold(product)) - before).toBe(2);
    const published = t.stack.orderEvents.bus.events.get(t.stack.orderEvents.busName)!.find((event) => event["detail-type"] === "OrderConfirmed" && (event.detail as { orderId: string }).orderId === placed.order.id)!;
    expect(published.detail).toMatchObject({ id: `${placed.order.id}:OrderConfirmed:v1`, version: 1, totalCents: placed.order.totalCents, currency: "usd" });
  });

  it("publishes one OrderConfirmed and counts the sale once when the webhook arrives 5 more times, shuffled", async () => {
    const product = seedProducts[1]!.id;
    const before = await unitsSold(product);
    const placed = await placeOrder(t.api, product, 1, "events-dupes@example.com");
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await settled();
    const completions: string[] = [];
    for (const delivery of t.stack.stripe!.deliveries) {
      const event = await stripe.events.retrieve(delivery.eventId);
      if (event.type === "checkout.session.completed" && (event.data.object as { id: string }).id === placed.order.checkoutSessionId) completions.push(JSON.stringify(event));
    }
    expect(completions).toHaveLength(1);
    // The same event twice more, and three times as new events about the same session, all at once in a random order.
    const copies = [completions[0]!, completions[0]!, withNewEventId(completions[0]!), withNewEventId(completions[0]!), withNewEventId(completions[0]!)].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(copies.map((payload) => postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET))));
    counts.webhookCopies += copies.length;
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    await settled();
    expect(onBus(placed.order.id)).toEqual(["OrderPlaced", "OrderConfirmed"]);
    expect((await timelineOf(placed)).filter((kind) => kind === "confirmed")).toHaveLength(1);
    expect((await unitsSold(product)) - before).toBe(1);
  });

  it("publishes one OrderConfirmed when the success redirect and the webhook both confirm the payment", async () => {
    const product = seedProducts[3]!.id;
    const before = await unitsSold(product);
    const placed = await placeOrder(t.api, product, 1, "events-redirect@example.com");
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    // The shopper's browser lands on the order page (twice: a reload) while the webhook is delivered and worked.
    const fulfil = () => t.api.post(`/orders/${placed.order.id}/fulfil`, { sessionId: placed.order.checkoutSessionId }, { authorization: `Bearer ${placed.accessToken}` });
    const answers = await Promise.all([fulfil(), fulfil()]);
    expect(answers.map((answer) => answer.body.status)).toEqual(["CONFIRMED", "CONFIRMED"]);
    await settled();
    // The webhook path ran too: its checkout.session.completed for this session was delivered and answered.
    const completions = [];
    for (const delivery of t.stack.stripe!.deliveries) {
      const event = await stripe.events.retrieve(delivery.eventId);
      if (event.type === "checkout.session.completed" && (event.data.object as { id: string }).id === placed.order.checkoutSessionId) completions.push(delivery);
    }
    expect(completions.map((delivery) => delivery.state)).toEqual(["delivered"]);
    expect(onBus(placed.order.id)).toEqual(["OrderPlaced", "OrderConfirmed"]);
    expect((await timelineOf(placed)).filter((kind) => kind === "confirmed")).toHaveLength(1);
    expect((await unitsSold(product)) - before).toBe(1);
  });

  it("retries a publisher whose PutEvents fails (outage, refused entries) from the stream, losing and doubling nothing", async () => {
    const product = seedProducts[2]!.id;
    const failedBefore = t.stack.orderEvents.streamPoller!.stats.failedInvocations;
    // More failed calls than the SDK's own attempts: the invocation fails and the stream mapping retries it.
    faults.failNext(5, "server-error");
    const first = await placeOrder(t.api, product, 1, "events-outage@example.com");
    await settled();
    faults.failNext(2, "refuse-entries");
    const second = await placeOrder(t.api, product, 1, "events-refused@example.com");
    expect((await payOnCheckoutPage(second.checkoutUrl, "4242424242424242")).status).toBe(303);
    await settled();
    counts.putEventsFailed = faults.failed;
    expect(faults.failed).toBe(7);
    expect(t.stack.orderEvents.streamPoller!.stats.failedInvocations).toBeGreaterThan(failedBefore);
    expect(t.stack.orderEvents.streamPoller!.stats.discarded).toBe(0);
    expect(onBus(first.order.id)).toEqual(["OrderPlaced"]);
    expect(onBus(second.order.id)).toEqual(["OrderPlaced", "OrderConfirmed"]);
    expect(await timelineOf(first)).toEqual(["placed"]);
    expect((await timelineOf(second)).filter((kind) => kind !== "email_sent")).toEqual(["placed", "payment_received", "confirmed"]);
    expect(await queueDepth(t, t.stack.eventQueueUrls.publishFailures)).toBe(0);
  });

  it("parks an event its consumer keeps failing in that consumer's DLQ, and redrives it once the cause is fixed", async () => {
    const timeline = t.stack.eventQueueUrls.orderTimeline;
    // The timeline's table fails every write (an outage outlasting the retries); the other consumers are unaffected.
    t.stack.dynamoDbFaults!.inject({ kind: "server-error", table: t.stack.tableNames.orderTimeline });
    const placed = await placeOrder(t.api, seedProducts[3]!.id, 1, "events-poison@example.com");
    await t.stack.orderEvents.whenPublished(60_000);
    await waitFor("the event parked in the timeline's DLQ", async () => ((await queueDepth(t, timeline.dlq)) === 1 ? true : undefined), 90_000);
    await untilQueueDrained(t, timeline.queue);
    const target = { client: t.sqs, queueUrl: timeline.queue, dlqUrl: timeline.dlq };
    const parked = await listParked(target);
    expect(parked).toEqual([expect.objectContaining({ orderEventType: "OrderPlaced", orderEventId: `${placed.order.id}:OrderPlaced:v1`, orderId: placed.order.id })]);
    // Received maxReceiveCount times by the consumer (SQS keeps counting the receives of the listing itself).
    expect(parked[0]!.receiveCount).toBeGreaterThanOrEqual(eventConsumers.orderTimeline.deadLetter.maxReceiveCount);
    expect(queueDeclarationFor("orderTimeline").deadLetter.resource).toBe(eventConsumers.orderTimeline.deadLetter.resource);

    t.stack.dynamoDbFaults!.clear();
    expect(await redriveParked(target)).toBe(1);
    await untilQueueDrained(t, timeline.queue);
    expect(await queueDepth(t, timeline.dlq)).toBe(0);
    expect(await timelineOf(placed)).toEqual(["placed"]);
    expect(onBus(placed.order.id)).toEqual(["OrderPlaced"]);
  });
});
