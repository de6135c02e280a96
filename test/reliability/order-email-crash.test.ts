// The order-email consumer under the bus's and SQS's at-least-once delivery: every paid order's
// OrderConfirmed arrives 5 times, shuffled, and the consumer process is SIGKILLed mid-batch with
// its claims written and no mail sent. SQS redelivers, the dead consumer's claims lapse at its
// invocation's deadline, and a successor sends each receipt: exactly one email per order. A
// cancelled order's email names the reason. The events are derived from the orders' own records
// the way the stream publisher derives them; the consumer queue is created from its declaration,
// with a visibility timeout just above the consumer's timeout so the test waits seconds, not minutes.
import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { deriveOrderEvent } from "@shopwave/core/order-events/derive-order-events";
import type { OrderEvent } from "@shopwave/core/order-events/order-event";
import { cancellationReasonText } from "@shopwave/core/order-events/order-emails";
import { eventConsumers } from "@shopwave/infra/topology";
import { createQueues, type CreatedQueue } from "@shopwave/local/aws/sqs-local";
import { startEventConsumerPollers } from "@shopwave/local/stack/event-consumer-pollers";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { readEmails, waitForEmails } from "../support/inbox";
import { killHard, spawnTs } from "../support/node-process";
import { queueDepth } from "../support/queues";
import { orderStatus, placeOrder, startTestStack, type PlacedOrder, type TestStack } from "../support/test-stack";

let t: TestStack;
let queue: CreatedQueue;
let dlq: CreatedQueue;
const declaration = { ...eventConsumers.orderEmail, visibilityTimeoutSeconds: eventConsumers.orderEmail.consumer.timeoutSeconds + 5 };

beforeAll(async () => {
  // The stack's own email consumer stays off: the consumer process this test starts and kills is
  // the only one sending, so every mail in the inbox is its doing (the pipeline would otherwise
  // send each order's receipt on its own, beside the deliveries below).
  t = await startTestStack({ dynamoDbFaults: true, eventConsumers: ["orderTimeline", "salesCounters"] });
  const created = await createQueues(t.sqs, [declaration], (resource) => `crash-${resource}`);
  queue = created[declaration.resource]!;
  dlq = created[declaration.deadLetter.resource]!;
});
afterAll(async () => t?.stop());

/** The order's event for its latest transition, as the stream publisher derives it from the change. */
async function eventOf(orderId: string): Promise<OrderEvent> {
  const { Item } = await t.db.send(new GetCommand({ TableName: t.stack.tableNames.orders, Key: { id: orderId }, ConsistentRead: true }));
  const event = deriveOrderEvent({ eventName: "MODIFY", oldImage: { ...Item, status: "PENDING_PAYMENT" }, newImage: Item! });
  if (!event) throw new Error(`no event derived for ${orderId}`);
  return event;
}

/** What the bus puts on a consumer's queue: the EventBridge envelope (a new envelope id per delivery). */
const deliver = (event: OrderEvent) =>
  t.sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: JSON.stringify({ version: "0", id: randomUUID(), "detail-type": event.type, source: "shopwave.orders", account: "000000000000", time: event.occurredAt, region: "us-east-1", resources: [], detail: event }),
    }),
  );

const consumerEnv = () => ({
  ...t.stack.handlerEnv,
  EVENT_CONSUMER: "orderEmail",
  EVENT_CONSUMER_QUEUE_URL: queue.url,
  EVENT_CONSUMER_QUEUE_ARN: queue.arn,
  SHOPWAVE_LOCAL_LOG: "silent",
  POWERTOOLS_LOG_LEVEL: "SILENT",
});

it("sends one receipt per order when each event arrives 5 times shuffled and the consumer is killed mid-batch", async () => {
  const product = seedProducts[7]!.id;
  await t.setStock(product, 20);
  const run = randomUUID().slice(0, 8);
  const orders: PlacedOrder[] = [];
  for (let i = 0; i < 6; i++) orders.push(await placeOrder(t.api, product, 1, `crash-${run}-${i}@example.com`));
  for (const placed of orders) expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
  for (const placed of orders) {
    await waitFor(`${placed.order.id} confirmed`, async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined), 30_000);
  }
  const events = await Promise.all(orders.map((placed) => eventOf(placed.order.id)));
  expect(events.map((event) => event.type)).toEqual(orders.map(() => "OrderConfirmed"));
  const deliveries = events.flatMap((event) => [event, event, event, event, event]).sort(() => Math.random() - 0.5);
  for (const event of deliveries) await deliver(event);

  // Every claim (the idempotency record's conditional put) is held 1.5 s on its way back from the
  // database, so the consumer is surely mid-batch, claims written, no mail sent, when it is killed.
  t.stack.dynamoDbFaults!.inject({ operation: "PutItem", table: t.stack.tableNames.idempotency, kind: "delay", delayMs: 1_500 });
  const doomed = spawnTs("packages/local/src/stack/event-consumer-process.ts", consumerEnv());
  await waitFor("the consumer to be mid-batch", async () => (t.stack.dynamoDbFaults!.injected.delay > 0 ? true : undefined), 30_000, 20);
  await killHard(doomed);
  expect(doomed.signalCode).toBe("SIGKILL");
  t.stack.dynamoDbFaults!.clear();
  const recipients = orders.map((_placed, i) => `crash-${run}-${i}@example.com`);
  const sentBeforeTheKill = (await Promise.all(recipients.map((to) => readEmails(t.stack.urls.ses, { to })))).flat();
  expect(sentBeforeTheKill).toEqual([]);

  const successor = spawnTs("packages/local/src/stack/event-consumer-process.ts", consumerEnv());
  try {
    for (const to of recipients) await waitForEmails(t.stack.urls.ses, { to, timeoutMs: 120_000 });
    await waitFor("the email queue drained", async () => ((await queueDepth(t, queue.url)) === 0 ? true : undefined), 120_000, 500);
  } finally {
    await killHard(successor);
  }
  const perOrder = await Promise.all(recipients.map(async (to) => (await readEmails(t.stack.urls.ses, { to })).length));
  console.info(`order emails after ${deliveries.length} deliveries and a SIGKILL: ${JSON.stringify(perOrder)}`);
  expect(perOrder).toEqual(recipients.map(() => 1));
  expect(await queueDepth(t, dlq.url)).toBe(0);
}, 240_000);

it("emails a cancelled order's shopper why, in words", async () => {
  const product = seedProducts[8]!.id;
  await t.setStock(product, 5);
  const to = `cancelled-${randomUUID().slice(0, 8)}@example.com`;
  const placed = await placeOrder(t.api, product, 1, to);
  expect((await t.api.post(`/orders/${placed.order.id}/cancel`, {}, { authorization: `Bearer ${placed.accessToken}` })).status).toBe(200);
  const event = await eventOf(placed.order.id);
  expect(event).toMatchObject({ type: "OrderCancelled", reason: "cancelled_by_shopper" });
  await deliver(event);
  await deliver(event);
  const pollers = await startEventConsumerPollers({
    client: t.sqs,
    queues: { [declaration.resource]: queue },
    consumers: ["orderEmail"],
    concurrency: 1,
    batchWindowSeconds: 0,
  });
  try {
    const [mail] = await waitForEmails(t.stack.urls.ses, { to });
    expect(mail!.subject).toBe(`Your order ${placed.order.id} was cancelled`);
    expect(mail!.text).toContain(`Why: ${cancellationReasonText.cancelled_by_shopper}`);
    await waitFor("the email queue drained", async () => ((await queueDepth(t, queue.url)) === 0 ? true : undefined), 60_000, 200);
  } finally {
    await Promise.all(Object.values(pollers).map((poller) => poller.stop()));
  }
  expect(await readEmails(t.stack.urls.ses, { to })).toHaveLength(1);
}, 120_000);
