// Fulfilment from Checkout's success redirect and from the webhook, together: the shopper's
// browser asks POST /orders/{id}/fulfil (several times: reloads, tabs) while the worker applies the
// same payment's webhook. Every order is confirmed exactly once (one transition logged, by
// whichever path won), its stock was taken once (at reservation) and never again.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { untilEventsProcessed, withPoller } from "../support/queues";
import { orderStatus, placeOrder, startTestStack, type PlacedOrder, type TestStack } from "../support/test-stack";

let t: TestStack;
const lines: Record<string, any>[] = [];

beforeAll(async () => {
  t = await startTestStack({ startPoller: false, handlerEnv: { POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_DEV: "false" } });
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split("\n")) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a structured line
      }
    }
    return true;
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.stop();
});

const fulfil = (placed: PlacedOrder) =>
  t.api.post(`/orders/${placed.order.id}/fulfil`, { sessionId: placed.order.checkoutSessionId }, { authorization: `Bearer ${placed.accessToken}` });

it("confirms each order once when the success redirect and the webhook race", async () => {
  const product = seedProducts[4]!.id;
  await t.setStock(product, 20);
  const orders: PlacedOrder[] = [];
  for (let i = 0; i < 6; i++) orders.push(await placeOrder(t.api, product, 1, `redirect${i}@example.com`));
  expect(await t.stockOf(product)).toBe(14);
  for (const placed of orders) expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);

  // The webhooks are queued; the worker and three redirects per order run at once.
  await withPoller(t, async () => {
    const answers = await Promise.all(orders.flatMap((placed) => [fulfil(placed), fulfil(placed), fulfil(placed)]));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    await untilEventsProcessed(t);
  });

  for (const placed of orders) expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CONFIRMED");
  expect(await t.stockOf(product)).toBe(14);
  const confirmations = lines.filter((line) => line.message === "payment event confirmed" || line.message === "fulfilment from redirect confirmed");
  for (const placed of orders) {
    expect(confirmations.filter((line) => line.orderId === placed.order.id), placed.order.id).toHaveLength(1);
  }
  // Both paths did their part: the worker saw every event (a duplicate where the redirect won).
  const workerOutcomes = lines.filter((line) => typeof line.message === "string" && line.message.startsWith("payment event ") && line.stripeEventType === "checkout.session.completed");
  expect(new Set(workerOutcomes.map((line) => line.orderId))).toEqual(new Set(orders.map((placed) => placed.order.id)));
}, 120_000);

it("confirms from the redirect alone when the webhook has not been processed", async () => {
  const product = seedProducts[5]!.id;
  await t.setStock(product, 5);
  const placed = await placeOrder(t.api, product, 2, "no-webhook-yet@example.com");
  expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
  // No poller: the webhook's event waits in the queue.
  const answer = await fulfil(placed);
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ id: placed.order.id, status: "CONFIRMED" });
  // The webhook's event arriving afterwards is a duplicate.
  await withPoller(t, () => untilEventsProcessed(t));
  expect(lines.filter((line) => line.orderId === placed.order.id && line.message === "payment event duplicate")).toHaveLength(1);
  expect(await t.stockOf(product)).toBe(3);
}, 60_000);
