// The scheduled sweep handler as the scheduler invokes it: at the real clock, with its default
// grace, over DynamoDB Local (the unit project's shared one) and the Stripe simulator through the
// real SDK, wired by the same SST resource env the deployed function gets; with its logs and
// EMF metrics on, as on AWS (the SweepFailures alarm depends on them).
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { sweepLapsedOrders } from "@shopwave/core/orders/sweep-lapsed-orders";
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import type { SweepResult } from "@shopwave/core/orders/sweep-lapsed-orders";
import { createLambdaContext } from "@shopwave/local/aws/lambda-context";
import { startStripeSimulator, type StripeSimulator } from "@shopwave/local/stripe/stripe-simulator";
import { captureOutput } from "../../../../test/support/handler-harness";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";

const STRIPE_KEY = "sk_test_sweep_handler";
let u: UnitStore;
let simulator: StripeSimulator;
let stripe: Stripe;
const savedEnv = { ...process.env };

beforeAll(async () => {
  u = await createUnitStore();
  simulator = await startStripeSimulator({ host: "127.0.0.1", port: 0, webhookEndpoints: [] });
  stripe = createStripeClient(STRIPE_KEY, simulator.url);
});
afterAll(async () => {
  process.env = savedEnv;
  await u?.destroy();
  await simulator?.stop();
});

/** What the handler printed (logs, EMF metrics), captured afresh for each test. */
let out: ReturnType<typeof captureOutput>;
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const metricsPrinted = () => out.metrics();
const logged = (message: string) => out.logged(message)[0];

/** The handler module freshly loaded with the given env, as a cold start would read it. */
async function loadHandler(env: Record<string, string> = {}) {
  process.env = {
    ...savedEnv,
    ...u.handlerEnv,
    STRIPE_API_BASE_URL: simulator.url,
    SST_RESOURCE_App: JSON.stringify({ name: "shopwave", stage: "unit" }),
    SST_RESOURCE_StripeSecretKey: JSON.stringify({ value: STRIPE_KEY, type: "sst.sst.Secret" }),
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_DEV: "false",
    POWERTOOLS_METRICS_DISABLED: "false",
    ...env,
  };
  vi.resetModules();
  const { handler } = await import("./sweep-expired-orders");
  return (): Promise<SweepResult> => handler({}, createLambdaContext({ functionName: "sweep-expired-orders", timeoutSeconds: 60, memoryMb: 256 }));
}

/** A pending order with a real (simulated) open Checkout Session, lapsing `secondsFromNow` from the real clock. */
async function pendingOrder(secondsFromNow: number) {
  const product = testProduct({ stock: 5 });
  await u.putProduct(product);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const lines = [{ productId: product.id, name: product.name, unitPriceCents: product.priceCents, quantity: 1 }];
  const session = await createStripeCheckoutGateway(stripe).createSession({
    orderId: `ord_sweep_${Math.random().toString(36).slice(2)}`,
    email: "shopper@example.com",
    currency: "usd",
    lines,
    expiresAt: nowSeconds + 35 * 60,
    successUrl: "http://localhost:3999/orders/x",
    cancelUrl: "http://localhost:3999/cart",
  });
  const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: nowSeconds + secondsFromNow, checkoutSessionId: session.id });
  await u.putOrder(record);
  return { id: record.id, sessionId: session.id, productId: product.id };
}

const statusOf = async (orderId: string) => (await u.orderRecord(orderId))?.status;
const sessionStatus = async (sessionId: string) => (await stripe.checkout.sessions.retrieve(sessionId)).status;

describe("the sweep handler", () => {
  it("at the real clock and its default five-minute grace, settles only the orders lapsed longer ago than that", async () => {
    const fresh = await pendingOrder(35 * 60);
    const minutesLeft = await pendingOrder(3 * 60);
    const insideGrace = await pendingOrder(-2 * 60);
    const pastGrace = await pendingOrder(-10 * 60);

    const result = await (await loadHandler())();

    expect(result.failures).toEqual([]);
    expect(result.outcomes).toEqual({ cancelled: 1 });
    expect(result.examined).toBe(1);
    for (const order of [fresh, minutesLeft, insideGrace]) {
      expect(await statusOf(order.id)).toBe("PENDING_PAYMENT");
      expect(await sessionStatus(order.sessionId)).toBe("open");
      expect(await u.stockOf(order.productId)).toBe(5);
    }
    expect(await statusOf(pastGrace.id)).toBe("CANCELLED");
    expect(await sessionStatus(pastGrace.sessionId)).toBe("expired");
    expect(await u.stockOf(pastGrace.productId)).toBe(6);
    expect(metricsPrinted()).toEqual({ SweptOrdersCancelled: 1 });
    expect(logged("sweep finished")).toMatchObject({ level: "INFO", examined: 1, outcomes: { cancelled: 1 } });
    expect(logged("sweep could not settle some orders")).toBeUndefined();
    // Cancel the orders this test left pending, so the next test's sweep starts from nothing
    // (core's sweep an hour ahead: the handler refuses a negative grace, as it should).
    const anHourAhead = new Date(Date.now() + 3600_000);
    await sweepLapsedOrders({ store: u.store, checkout: createStripeCheckoutGateway(stripe), now: () => anHourAhead }, { graceSeconds: 0, limitPerShard: 100 });
  });

  it("takes its grace from SWEEP_GRACE_SECONDS", async () => {
    const insideDefaultGrace = await pendingOrder(-2 * 60);
    const result = await (await loadHandler({ SWEEP_GRACE_SECONDS: "60" }))();
    expect(result).toMatchObject({ examined: 1, outcomes: { cancelled: 1 }, failures: [] });
    expect(await statusOf(insideDefaultGrace.id)).toBe("CANCELLED");
  });

  it("reports the orders the provider could not settle instead of failing the run", async () => {
    const unreachable = await pendingOrder(-3600);
    simulator.injectFault({ method: "POST", path: `/v1/checkout/sessions/${unreachable.sessionId}/expire`, kind: "error", status: 400, type: "invalid_request_error", message: "No such session" });
    try {
      const result = await (await loadHandler())();
      expect(result.examined).toBe(1);
      expect(result.failures).toEqual([{ orderId: unreachable.id, error: expect.any(String) }]);
      expect(await statusOf(unreachable.id)).toBe("PENDING_PAYMENT");
      expect(await u.stockOf(unreachable.productId)).toBe(5);
      // Nothing was cancelled, so no SweptOrdersCancelled is published; the failure is counted and logged.
      expect(metricsPrinted()).toEqual({ SweepFailures: 1 });
      expect(logged("sweep could not settle some orders")).toMatchObject({ level: "ERROR", failures: [{ orderId: unreachable.id, error: expect.any(String) }] });
      expect(logged("sweep finished")).toMatchObject({ examined: 1, outcomes: {} });
    } finally {
      simulator.clearFaults();
    }
  });
});
