// Dependencies failing on demand. Stripe errors, hangs and lost answers during order creation:
// the SDK retries with the order's idempotency key (one session per order, never two), and when
// it gives up the shopper gets a 503 with Retry-After and the reservation is released. DynamoDB
// throttling, server errors and lost answers: retried by the SDK (transactions carry a
// ClientRequestToken, so a retried commit is not applied twice), surfaced as 503 when they
// persist, and never doubling an effect in the worker.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { orderStatus, placeOrder, startTestStack, TEST_STRIPE_KEY, type TestStack } from "../support/test-stack";

let t: TestStack;
let stripe: Stripe;
const faultsInjected = { stripe: 0, dynamodb: 0 };

beforeAll(async () => {
  // A short Stripe timeout keeps the hang case quick: 3 attempts × 400 ms plus backoff.
  t = await startTestStack({ dynamoDbFaults: true, handlerEnv: { STRIPE_TIMEOUT_MS: "400" } });
  stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
});
afterAll(async () => {
  const proxy = t?.stack.dynamoDbFaults;
  if (proxy) faultsInjected.dynamodb = Object.values(proxy.injected).reduce((a, b) => a + b, 0);
  console.info(`dependency faults injected: stripe ${faultsInjected.stripe}, dynamodb ${faultsInjected.dynamodb}`);
  await t?.stop();
});
afterEach(() => {
  t.stack.stripe!.clearFaults();
  t.stack.dynamoDbFaults!.clear();
});

const product = (i: number) => seedProducts[i]!.id;

async function sessionsForOrder(orderId: string): Promise<Stripe.Checkout.Session[]> {
  const all = await stripe.checkout.sessions.list({ limit: 100 });
  return all.data.filter((session) => session.client_reference_id === orderId);
}

async function ordersOf(email: string): Promise<{ id: string; status: string; cancellationReason?: string }[]> {
  const result = await t.db.send(
    new ScanCommand({ TableName: t.stack.tableNames.orders, FilterExpression: "email = :email", ExpressionAttributeValues: { ":email": email }, ConsistentRead: true }),
  );
  return (result.Items ?? []) as { id: string; status: string; cancellationReason?: string }[];
}

describe("Stripe failing during order creation", () => {
  it.each([
    ["two 500s", { kind: "error", status: 500, times: 2 }],
    ["a lost answer after the session was created", { kind: "drop", when: "after", times: 1 }],
    ["a connection reset", { kind: "drop", when: "before", times: 1 }],
  ] as const)("recovers from %s with the same idempotency key: one session for the order", async (_name, fault) => {
    t.stack.stripe!.injectFault({ method: "POST", path: "/v1/checkout/sessions", ...fault });
    faultsInjected.stripe += fault.times;
    const placed = await placeOrder(t.api, product(0));
    const sessions = await sessionsForOrder(placed.order.id);
    expect(sessions.map((s) => s.id)).toEqual([placed.order.checkoutSessionId]);
  });

  it.each([
    ["keeps answering 500", { kind: "error", status: 500 }],
    ["hangs past the client timeout", { kind: "delay", delayMs: 1_500 }],
    // The SDK does not retry 429s by design (stripe/stripe-node#1110): the shopper retries instead.
    ["rate-limits us", { kind: "error", status: 429 }],
  ] as const)("answers 503 with Retry-After and releases the reservation when Stripe %s", async (_name, fault) => {
    const id = product(1);
    await t.setStock(id, 7);
    t.stack.stripe!.injectFault({ method: "POST", path: "/v1/checkout/sessions", ...fault, times: 3 });
    faultsInjected.stripe += 3;
    const email = `outage-${fault.kind}-${"status" in fault ? fault.status : "hang"}@example.com`;
    const response = await t.api.post("/orders", { email, items: [{ productId: id, quantity: 2 }] });
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe("PAYMENT_PROVIDER_UNAVAILABLE");
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await t.stockOf(id)).toBe(7);
    const orders = await ordersOf(email);
    expect(orders.map((o) => [o.status, o.cancellationReason])).toEqual([["CANCELLED", "payment_provider_unavailable"]]);
  });
});

describe("DynamoDB failing", () => {
  it("retries throttled reads and transactions: the order goes through and reserves once", async () => {
    const id = product(2);
    await t.setStock(id, 9);
    t.stack.dynamoDbFaults!.inject({ operation: "BatchGetItem", kind: "throttle", times: 1 });
    t.stack.dynamoDbFaults!.inject({ operation: "TransactWriteItems", kind: "throttle", times: 2 });
    const throttledBefore = t.stack.dynamoDbFaults!.injected.throttle;
    const placed = await placeOrder(t.api, id, 3);
    expect(t.stack.dynamoDbFaults!.injected.throttle - throttledBefore).toBe(3);
    expect(placed.order.status).toBe("PENDING_PAYMENT");
    expect(await t.stockOf(id)).toBe(6);
  });

  it("does not reserve twice when a committed transaction's answer is lost and the SDK retries it", async () => {
    const id = product(3);
    await t.setStock(id, 9);
    t.stack.dynamoDbFaults!.inject({ operation: "TransactWriteItems", kind: "drop", when: "after", times: 1 });
    const email = "lost-commit@example.com";
    const droppedBefore = t.stack.dynamoDbFaults!.injected.drop;
    const response = await t.api.post("/orders", { email, items: [{ productId: id, quantity: 4 }] });
    expect(t.stack.dynamoDbFaults!.injected.drop - droppedBefore).toBe(1);
    expect(response.status).toBe(201);
    expect(await t.stockOf(id)).toBe(5);
    expect((await ordersOf(email)).length).toBe(1);
  });

  it("answers 503 with Retry-After, writing nothing, when throttling outlasts the retries", async () => {
    const id = product(4);
    await t.setStock(id, 9);
    t.stack.dynamoDbFaults!.inject({ operation: "TransactWriteItems", kind: "throttle" });
    const email = "throttled@example.com";
    const response = await t.api.post("/orders", { email, items: [{ productId: id, quantity: 1 }] });
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await t.stockOf(id)).toBe(9);
    expect(await ordersOf(email)).toEqual([]);
  });

  it("never doubles an effect when the worker's writes fail and its retries succeed", async () => {
    const paidId = product(5);
    const abandonedId = product(6);
    await t.setStock(paidId, 10);
    await t.setStock(abandonedId, 10);
    const paid = await placeOrder(t.api, paidId, 2);
    const abandoned = await placeOrder(t.api, abandonedId, 3);
    // Both transitions are one transaction each (the order with the stock shards it sells or
    // releases), so each fault is armed just before its own transition. The confirmation fails
    // past the SDK's retries (the record is retried via SQS).
    const failedBefore = t.stack.dynamoDbFaults!.injected["server-error"];
    t.stack.dynamoDbFaults!.inject({ operation: "TransactWriteItems", table: t.stack.tableNames.orders, kind: "server-error", times: 4 });
    expect((await payOnCheckoutPage(paid.checkoutUrl, "4242424242424242")).status).toBe(303);
    await waitFor("paid order confirmed", async () => ((await orderStatus(t.api, paid.order.id, paid.accessToken)) === "CONFIRMED" ? true : undefined));
    expect(t.stack.dynamoDbFaults!.injected["server-error"] - failedBefore).toBe(4);
    // The cancellation's commit is applied but its answer lost (the SDK retries the transaction).
    // The injection counters run over the whole file (an earlier test drops an answer too).
    const droppedBefore = t.stack.dynamoDbFaults!.injected.drop;
    t.stack.dynamoDbFaults!.inject({ operation: "TransactWriteItems", table: t.stack.tableNames.orders, kind: "drop", when: "after", times: 1 });
    await stripe.checkout.sessions.expire(abandoned.order.checkoutSessionId);
    await waitFor("abandoned order cancelled", async () =>
      (await orderStatus(t.api, abandoned.order.id, abandoned.accessToken)) === "CANCELLED" ? true : undefined,
    );
    expect(t.stack.dynamoDbFaults!.injected.drop - droppedBefore).toBe(1);
    expect(await t.stockOf(paidId)).toBe(8);
    expect(await t.stockOf(abandonedId)).toBe(10);
  });
});
