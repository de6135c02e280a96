// Dead letters through the console's API, on a stack whose worker runs only when the test says:
// a genuine payment event is dead-lettered by the queue's own redrive policy (received
// maxReceiveCount times, never deleted), inspected in place, redriven, and then processed once:
// the order is confirmed, nothing is parked again, and the message is gone from the DLQ.
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eventConsumers, queues } from "@shopwave/infra/topology";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { queueDepth, untilQueueDrained, withPoller } from "../support/queues";
import { orderStatus, placeOrder, startTestStack, type TestStack } from "../support/test-stack";
import { startTestIssuer, type TestIssuer } from "../support/token-signer";

let t: TestStack;
let issuer: TestIssuer;
let headers: Record<string, string>;
const operator = { customerId: "cus_0000000000000000000000oper", email: "ops@shop.example", roles: ["customer", "operator"] };

beforeAll(async () => {
  issuer = await startTestIssuer();
  t = await startTestStack({ startPoller: false, visibilityTimeoutSeconds: 1, handlerEnv: { AUTH_ISSUER_URL: issuer.url } });
  headers = { authorization: `Bearer ${await issuer.sign(operator)}` };
});
afterAll(async () => {
  await t?.stop();
  await issuer?.stop();
});

it("redrives a dead-lettered payment event, which the worker then processes once", async () => {
  const product = seedProducts[5]!;
  const placed = await placeOrder(t.api, product.id);
  const stockAfterReserving = await t.stockOf(product.id);
  await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242");
  await t.stack.stripe?.whenDeliveriesSettled();
  const enqueued = await queueDepth(t);
  expect(enqueued).toBeGreaterThan(0);

  // A consumer that fails every time: receive without deleting until the redrive policy parks them.
  for (let receive = 0; receive <= queues.orderEvents.deadLetter.maxReceiveCount; receive++) {
    await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: t.stack.queueUrls.orderEvents, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  }
  expect(await queueDepth(t)).toBe(0);
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(enqueued);
  expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("PENDING_PAYMENT");

  const dlqs = await t.api.get("/admin/dead-letters", headers);
  // The console lists every declared DLQ (the event consumers' too); only the payment events' holds anything.
  const declaredDlqs = [...Object.values(queues), ...Object.values(eventConsumers)].map((queue) => queue.deadLetter.resource);
  expect(dlqs.body.queues).toEqual(
    declaredDlqs.map((resource) =>
      expect.objectContaining({ resource, depth: resource === queues.orderEvents.deadLetter.resource ? enqueued : 0 }),
    ),
  );
  const inspected = await t.api.get(`/admin/dead-letters/${queues.orderEvents.deadLetter.resource}/messages`, headers);
  expect(inspected.status).toBe(200);
  const completion = (inspected.body.messages as { messageId: string; body: string; receiveCount: number; messageAttributes: Record<string, string> }[]).find(
    (message) => JSON.parse(message.body).type === "checkout.session.completed",
  )!;
  expect(completion.messageAttributes.orderId).toBe(placed.order.id);
  expect(completion.receiveCount).toBeGreaterThan(queues.orderEvents.deadLetter.maxReceiveCount);
  // Inspecting left everything in place.
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(enqueued);

  const redriven = await t.api.post(`/admin/dead-letters/${queues.orderEvents.deadLetter.resource}/messages/${completion.messageId}/redrive`, {}, headers);
  expect(redriven.status).toBe(200);
  const again = await t.api.post(`/admin/dead-letters/${queues.orderEvents.deadLetter.resource}/messages/${completion.messageId}/redrive`, {}, headers);
  expect(again.status).toBe(404);

  await withPoller(t, async () => {
    await waitFor("the order confirmed", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined));
    await untilQueueDrained(t);
  });
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(enqueued - 1);
  expect(await t.stockOf(product.id)).toBe(stockAfterReserving);

  // The rest go back with a message-move task; the audit log has both actions.
  const all = await t.api.post(`/admin/dead-letters/${queues.orderEvents.deadLetter.resource}/redrive`, {}, headers);
  expect(all.status).toBe(202);
  await waitFor("the move task finished", async () => {
    const tasks = await t.api.get(`/admin/dead-letters/${queues.orderEvents.deadLetter.resource}/move-tasks`, headers);
    return tasks.body.tasks[0]?.status === "COMPLETED" ? tasks.body.tasks[0] : undefined;
  });
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(0);
  await withPoller(t, () => untilQueueDrained(t));
  expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CONFIRMED");
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(0);

  const audit = await t.api.get(`/admin/audit?target=${encodeURIComponent(`queue:${queues.orderEvents.deadLetter.resource}`)}`, headers);
  expect(audit.body.entries.map((entry: { action: string; result: string }) => [entry.action, entry.result])).toEqual([
    ["dlq.redrive_all", "succeeded"],
    ["dlq.redrive", "succeeded"],
  ]);
});
