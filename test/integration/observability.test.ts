// What an operator gets from one order's life: structured JSON log lines from the API, the
// webhook, the worker and the order events' consumers that all carry the order id as correlation
// id, and CloudWatch EMF metrics for orders, payments and rejected webhooks.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { untilOrderEventsConsumed } from "../support/queues";
import { checkoutSessionEvent, postWebhook, signatureHeader } from "../support/stripe-webhook";
import { orderStatus, placeOrder, startTestStack, type TestStack } from "../support/test-stack";

let t: TestStack;
const lines: Record<string, any>[] = [];

beforeAll(async () => {
  // Logs and metrics on, one JSON object per line, as on AWS.
  t = await startTestStack({ handlerEnv: { POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_DEV: "false", POWERTOOLS_METRICS_DISABLED: "false" } });
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

it("follows one order from API to webhook to worker by its order id, and counts what happened", async () => {
  const placed = await placeOrder(t.api, seedProducts[0]!.id);
  expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
  await waitFor("confirmed", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined));
  const forged = checkoutSessionEvent("checkout.session.completed", { id: "cs_test_x", orderId: placed.order.id });
  expect((await postWebhook(t.stack.urls.api, forged, signatureHeader(forged, "whsec_wrong"))).status).toBe(400);

  // The order's life goes on past the worker: its events reach the bus's consumers.
  await untilOrderEventsConsumed(t);

  const logs = lines.filter((line) => typeof line.level === "string" && typeof line.message === "string");
  const ofOrder = logs.filter((line) => line.orderId === placed.order.id);
  const functions = new Set(ofOrder.map((line) => line.function_name));
  expect([...functions].sort()).toEqual([
    "api-create-order",
    "api-get-order",
    "webhooks-stripe",
    "workers-order-email",
    "workers-order-events",
    "workers-order-timeline",
    "workers-sales-counters",
  ]);
  for (const line of ofOrder) {
    expect(line).toMatchObject({ service: "shopwave", timestamp: expect.any(String), function_request_id: expect.any(String) });
  }
  expect(ofOrder.map((line) => line.message)).toEqual(
    expect.arrayContaining(["order created", "webhook accepted", "payment event confirmed", "order email sent", "order event recorded on the timeline", "order event counted"]),
  );
  // The sales counters count every order event; the confirmation (the sale) among them.
  expect(ofOrder.filter((line) => line.message === "order event counted").map((line) => line.eventType)).toEqual(expect.arrayContaining(["OrderPlaced", "OrderConfirmed"]));
  // No other order's id, and no id at all, leaks onto lines about this one.
  const worker = ofOrder.find((line) => line.message === "payment event confirmed")!;
  expect(worker).toMatchObject({ stripeEventType: "checkout.session.completed", receiveCount: 1 });
  expect(worker.route).toBeUndefined();

  const metrics = lines.filter((line) => line._aws?.CloudWatchMetrics);
  expect(new Set(metrics.flatMap((line) => line._aws.CloudWatchMetrics.map((m: { Namespace: string }) => m.Namespace)))).toEqual(new Set(["Shopwave"]));
  const names = new Set(metrics.flatMap((line) => line._aws.CloudWatchMetrics.flatMap((m: { Metrics: { Name: string }[] }) => m.Metrics.map((x) => x.Name))));
  for (const name of ["OrdersCreated", "WebhooksAccepted", "OrdersConfirmed", "WebhooksRejected"]) expect(names).toContain(name);
});
