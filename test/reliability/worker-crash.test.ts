// The worker dies mid-batch (a real SIGKILL of the process running the poller and handler, its
// database writes still in flight) and a poison message outlasts maxReceiveCount. Nothing is
// lost: SQS redelivers after the visibility timeout and every paid order ends CONFIRMED exactly
// once; the poison message waits in the DLQ, where the operator's command lists it and, once
// the cause is fixed, redrives it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { queues } from "@shopwave/infra/topology";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { collectJsonLines, killHard, runTs, spawnTs } from "../support/node-process";
import { queueDepth, withPoller } from "../support/queues";
import { orderStatus, placeOrder, startTestStack, type PlacedOrder, type TestStack } from "../support/test-stack";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ startPoller: false, dynamoDbFaults: true, visibilityTimeoutSeconds: 2 });
});
afterAll(async () => t?.stop());

const workerEnv = (extra: Record<string, string> = {}) => ({
  ...t.stack.handlerEnv,
  ORDER_EVENTS_QUEUE_ARN: t.stack.queueArns.orderEvents,
  SHOPWAVE_LOCAL_LOG: "silent",
  ...extra,
});

it("redelivers a batch whose worker process was killed mid-batch, and confirms every order exactly once", async () => {
  const product = seedProducts[9]!.id;
  await t.setStock(product, 20);
  const orders: PlacedOrder[] = [];
  for (let i = 0; i < 8; i++) orders.push(await placeOrder(t.api, product, 1, `crash${i}@example.com`));
  for (const placed of orders) expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
  await t.stack.stripe!.whenDeliveriesSettled();
  expect(await queueDepth(t)).toBe(8);

  // Every confirmation write (one transaction: the order's status and the stock it sells) is held
  // 1.5 s on its way to the database, so the worker is surely mid-batch (messages received,
  // writes in flight) when it is killed.
  t.stack.dynamoDbFaults!.inject({ operation: "TransactWriteItems", table: t.stack.tableNames.orders, kind: "delay", delayMs: 1_500 });
  const doomed = spawnTs("packages/local/src/stack/worker-process.ts", workerEnv());
  await waitFor("the worker to be mid-batch", async () => (t.stack.dynamoDbFaults!.injected.delay > 0 ? true : undefined), 30_000, 20);
  await killHard(doomed);
  expect(doomed.signalCode).toBe("SIGKILL");
  t.stack.dynamoDbFaults!.clear();
  // Nothing was deleted: every message is still on the queue, invisible until its timeout.
  expect(await queueDepth(t)).toBe(8);

  const successor = spawnTs("packages/local/src/stack/worker-process.ts", workerEnv({ POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_DEV: "false" }));
  const logs = collectJsonLines(successor);
  try {
    for (const placed of orders) {
      await waitFor(`${placed.order.id} confirmed`, async () =>
        (await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined,
      30_000);
    }
    await waitFor("queue drained", async () => ((await queueDepth(t)) === 0 ? true : undefined), 30_000);
  } finally {
    await killHard(successor);
  }
  // The successor saw every message again (received at least twice), and the stock moved once per order.
  const applied = logs.filter((line) => typeof line.message === "string" && line.message.startsWith("payment event"));
  expect(new Set(applied.map((line) => line.orderId))).toEqual(new Set(orders.map((placed) => placed.order.id)));
  expect(applied.every((line) => Number(line.receiveCount) >= 2)).toBe(true);
  expect(await t.stockOf(product)).toBe(12);
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(0);
}, 120_000);

it("parks a message that keeps failing in the DLQ; the dlq command lists it and redrives it once the cause is fixed", async () => {
  const product = seedProducts[10]!.id;
  await t.setStock(product, 5);
  const placed = await placeOrder(t.api, product, 1, "parked@example.com");
  // An outage of the orders table's writes: every attempt to confirm (a transaction naming the
  // order and the stock it sells) fails, past the SDK's retries.
  t.stack.dynamoDbFaults!.inject({ operation: "TransactWriteItems", table: t.stack.tableNames.orders, kind: "server-error" });
  expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);

  await withPoller(t, async () => {
    await waitFor("the event in the DLQ", async () => ((await queueDepth(t, t.stack.queueUrls.orderEventsDlq)) === 1 ? true : undefined), 60_000);
  });
  expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("PENDING_PAYMENT");

  const cli = "packages/local/src/cli/dlq-command.ts";
  const endpoint = ["--endpoint", t.stack.urls.sqs];
  const listed = JSON.parse((await runTs(cli, ["list", "--json", ...endpoint])).stdout) as { stripeEventType: string; orderId: string; receiveCount: number }[];
  expect(listed).toEqual([expect.objectContaining({ stripeEventType: "checkout.session.completed", orderId: placed.order.id })]);
  // Listing leaves the message where it was.
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(1);
  expect(queues.orderEvents.deadLetter.maxReceiveCount).toBe(5);

  t.stack.dynamoDbFaults!.clear();
  const redriven = await runTs(cli, ["redrive", ...endpoint]);
  expect(redriven.stdout).toMatch(/1 message\(s\) redriven/);
  await withPoller(t, async () => {
    await waitFor("confirmed after the redrive", async () =>
      (await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined,
    );
  });
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(0);
  expect(await t.stockOf(product)).toBe(4);
}, 120_000);
