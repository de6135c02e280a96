// An order's access token never reaches the places operators, vendors and attackers can read:
// the Checkout Session (and so every checkout.session.* event Stripe sends), the order-events
// queue and its DLQ, and the stack's logs (gateway access lines, handler and worker logs), even
// when the order is read through an old `?token=` link.
import { ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { queues } from "@shopwave/infra/topology";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { drainQueue, withPoller } from "../support/queues";
import { checkoutSessionEvent, postWebhook, signatureHeader } from "../support/stripe-webhook";
import { orderStatus, placeOrder, startTestStack, TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, type PlacedOrder, type TestStack } from "../support/test-stack";

let t: TestStack;
let stripe: Stripe;
let output = "";
const localLogSetting = process.env.SHOPWAVE_LOCAL_LOG;

beforeAll(async () => {
  // Everything the stack writes, as an operator would see it: its own lines (gateway access
  // log, simulator, poller) and the handlers' JSON logs at their most talkative.
  process.env.SHOPWAVE_LOCAL_LOG = "verbose";
  const capture = (chunk: string | Uint8Array) => {
    output += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  t = await startTestStack({
    startPoller: false,
    handlerEnv: { POWERTOOLS_LOG_LEVEL: "DEBUG", POWERTOOLS_DEV: "false", POWERTOOLS_METRICS_DISABLED: "false" },
  });
  stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
});
afterAll(async () => {
  await t?.stop();
  vi.restoreAllMocks();
  if (localLogSetting === undefined) delete process.env.SHOPWAVE_LOCAL_LOG;
  else process.env.SHOPWAVE_LOCAL_LOG = localLogSetting;
});

/** The token as it may appear: raw, or percent-encoded in a URL. */
const forms = (token: string) => [...new Set([token, encodeURIComponent(token)])];

function expectNoToken(where: string, text: string, orders: PlacedOrder[]) {
  for (const order of orders) {
    for (const form of forms(order.accessToken)) expect(text.includes(form), `${where} holds the access token of ${order.order.id}`).toBe(false);
  }
}

const describeMessage = (message: Message) => JSON.stringify({ body: message.Body, attributes: message.MessageAttributes });

/** Receives what is on a queue without consuming it (visibility 0: it stays available). */
async function peek(queueUrl: string): Promise<Message[]> {
  const received = await t.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 0, MessageAttributeNames: ["All"] }),
  );
  return received.Messages ?? [];
}

it("keeps access tokens out of Checkout Sessions, queue messages, the DLQ and the logs", async () => {
  // An order whose checkout is abandoned: its checkout.session.expired event ends up in the DLQ.
  const abandoned = await placeOrder(t.api, seedProducts[4]!.id, 1, "abandoned@example.com");
  await stripe.checkout.sessions.expire(abandoned.order.checkoutSessionId);
  await t.stack.stripe!.whenDeliveriesSettled();
  // Receiving it maxReceiveCount times without deleting it is what a failing worker does.
  const parked = await waitFor(
    "the expiry event in the DLQ",
    async () => {
      const inDlq = await peek(t.stack.queueUrls.orderEventsDlq);
      if (inDlq.length > 0) return inDlq;
      await peek(t.stack.queueUrls.orderEvents);
      return undefined;
    },
    60_000,
    0,
  );
  expect(parked.map((message) => message.MessageAttributes?.stripeEventType?.StringValue)).toEqual(["checkout.session.expired"]);
  expect(queues.orderEvents.deadLetter.maxReceiveCount).toBeGreaterThan(1);

  // An order paid on the hosted page, and read back the ways a shopper and an old link do.
  const paid = await placeOrder(t.api, seedProducts[5]!.id, 1, "paid@example.com");
  const payment = await payOnCheckoutPage(paid.checkoutUrl, "4242 4242 4242 4242");
  expect(payment.status).toBe(303);
  expectNoToken("the redirect back from Checkout", payment.location ?? "", [paid]);
  expect(payment.location).toBe(`http://localhost:3999/orders/${paid.order.id}?session_id=${paid.order.checkoutSessionId}`);
  expect(await orderStatus(t.api, paid.order.id, paid.accessToken)).toBe("PENDING_PAYMENT"); // ?token=
  expect((await t.api.get(`/orders/${paid.order.id}`, { authorization: `Bearer ${paid.accessToken}` })).status).toBe(200);
  await t.stack.stripe!.whenDeliveriesSettled();

  const orders = [abandoned, paid];
  for (const order of orders) {
    const session = await stripe.checkout.sessions.retrieve(order.order.checkoutSessionId);
    expect(session.success_url).toBe(`http://localhost:3999/orders/${order.order.id}?session_id={CHECKOUT_SESSION_ID}`);
    expectNoToken(`session ${session.id}`, JSON.stringify(session), orders);
  }
  for (const delivery of t.stack.stripe!.deliveries) {
    expectNoToken(`event ${delivery.type}`, JSON.stringify(await stripe.events.retrieve(delivery.eventId)), orders);
  }

  // The raw messages on the queue and in the DLQ, bodies and attributes.
  const queued = await peek(t.stack.queueUrls.orderEvents);
  expect(queued.map((message) => message.MessageAttributes?.stripeEventType?.StringValue)).toEqual(["checkout.session.completed"]);
  for (const message of [...queued, ...parked]) expectNoToken(`message ${message.MessageId}`, describeMessage(message), orders);
  // What stays in a message is still enough for the worker to settle the order.
  for (const message of [...queued, ...parked]) expect(JSON.parse(message.Body!).data.object.client_reference_id).toMatch(/^ord_/);
  await withPoller(t, async () => {
    await waitFor("CONFIRMED", async () => ((await orderStatus(t.api, paid.order.id, paid.accessToken)) === "CONFIRMED" ? true : undefined));
  });

  // The logs saw every step (so the scan below looks at something) and no token.
  for (const line of ["GET /orders/", "POST /webhooks/stripe", "webhook accepted", "payment event confirmed"]) expect(output).toContain(line);
  expectNoToken("the stack's log output", output, orders);
});

it("drops the URLs of an event about a session whose success_url still holds a token (created before tokens left URLs)", async () => {
  const placed = await placeOrder(t.api, seedProducts[6]!.id, 1, "older@example.com");
  const event = JSON.parse(checkoutSessionEvent("checkout.session.completed", { id: placed.order.checkoutSessionId, orderId: placed.order.id }));
  const oldLink = `http://localhost:3999/orders/${placed.order.id}?token=${placed.accessToken}`;
  Object.assign(event.data.object, { success_url: oldLink, cancel_url: "http://localhost:3999/cart", url: null });
  const payload = JSON.stringify(event);
  expect((await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET))).status).toBe(200);

  const queued = (await drainQueue(t)).filter((message) => JSON.parse(message.Body!).id === event.id);
  expect(queued).toHaveLength(1);
  expectNoToken("the queued event", describeMessage(queued[0]!), [placed]);
  const object = JSON.parse(queued[0]!.Body!).data.object;
  expect(object).toMatchObject({ id: placed.order.checkoutSessionId, client_reference_id: placed.order.id, payment_status: "paid" });
  expect(object).not.toHaveProperty("success_url");
  expectNoToken("the stack's log output", output, [placed]);
});
