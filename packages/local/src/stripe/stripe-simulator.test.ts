// The simulator as the app sees it: driven by the real stripe SDK and the hosted page over
// HTTP, with a webhook receiver that verifies every delivery with the SDK's own verification.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { payOnCheckoutPage } from "../../../../test/support/checkout-page-client";
import { startStripeSimulator, type StripeSimulator } from "./stripe-simulator";

const SECRET = "whsec_simulator_unit_test";
const KEY = "sk_test_simulator_unit";

/** A webhook endpoint that verifies signatures with the SDK and can be told to fail. */
class Receiver {
  events: Stripe.Event[] = [];
  rejectedSignatures = 0;
  /** Answer 500 to the next N deliveries of this event type. */
  failNext = 0;
  failType = "checkout.session.completed";
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const type = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type?: string }).type;
      if (this.failNext > 0 && type === this.failType) {
        this.failNext--;
        res.writeHead(500).end();
        return;
      }
      try {
        const event = Stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers["stripe-signature"]), SECRET, 300);
        this.events.push(event);
        res.writeHead(200).end();
      } catch {
        this.rejectedSignatures++;
        res.writeHead(400).end();
      }
    });
  });
  url = "";
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  stop() {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
  types(): string[] {
    return this.events.map((event) => event.type);
  }
}

let receiver: Receiver;
let simulator: StripeSimulator;
let stripe: Stripe;
let clockOffsetMs = 0;

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  simulator = await startStripeSimulator({
    port: 0,
    webhookEndpoints: [{ url: receiver.url, secret: SECRET }],
    webhookRetry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
    bankDebitSettleMs: 50,
    expiryCheckIntervalMs: 50,
    now: () => new Date(Date.now() + clockOffsetMs),
  });
  stripe = createStripeClient(KEY, simulator.url);
});

afterAll(async () => {
  await simulator?.stop();
  await receiver?.stop();
});

beforeEach(() => {
  receiver.events = [];
  receiver.failNext = 0;
  clockOffsetMs = 0;
});

afterEach(() => simulator.clearFaults());

const inMinutes = (minutes: number) => Math.floor(Date.now() / 1000) + minutes * 60;

function sessionParams(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: "payment",
    customer_email: "shopper@example.com",
    client_reference_id: "ord_test",
    metadata: { orderId: "ord_test" },
    payment_intent_data: { metadata: { orderId: "ord_test" } },
    expires_at: inMinutes(35),
    success_url: "http://localhost:3000/orders/ord_test?session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://localhost:3000/cart",
    line_items: [
      { quantity: 2, price_data: { currency: "usd", unit_amount: 1800, product_data: { name: "Enamel Camp Mug" } } },
      { quantity: 1, price_data: { currency: "usd", unit_amount: 4200, product_data: { name: "Cedar Cutting Board" } } },
    ],
    ...overrides,
  };
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("Checkout Sessions API", () => {
  it("creates a Stripe-shaped session the SDK can read back", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    expect(session).toMatchObject({
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      amount_total: 2 * 1800 + 4200,
      currency: "usd",
      client_reference_id: "ord_test",
      metadata: { orderId: "ord_test" },
      customer_email: "shopper@example.com",
      livemode: false,
      payment_intent: null,
      url: `${simulator.url}/c/pay/${session.id}`,
    });
    expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]{58}$/);
    expect((await stripe.checkout.sessions.retrieve(session.id)).id).toBe(session.id);
    const lines = await stripe.checkout.sessions.listLineItems(session.id);
    expect(lines.data.map((line) => [line.description, line.quantity, line.amount_total])).toEqual([
      ["Enamel Camp Mug", 2, 3600],
      ["Cedar Cutting Board", 1, 4200],
    ]);
  });

  it("replays an idempotent create and refuses the key with other parameters", async () => {
    const key = `idem-${Math.random()}`;
    const first = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    const again = await stripe.checkout.sessions.create(sessionParams({ expires_at: first.expires_at }), { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    await expect(
      stripe.checkout.sessions.create(sessionParams({ client_reference_id: "ord_other" }), { idempotencyKey: key }),
    ).rejects.toMatchObject({ type: "StripeIdempotencyError" });
  });

  it("measures the expires_at window from its own receipt, as Stripe does", async () => {
    // The client computed now + 30 min; by the time the request lands a second has passed.
    const sentAt = inMinutes(30);
    clockOffsetMs = 1_000;
    await expect(stripe.checkout.sessions.create(sessionParams({ expires_at: sentAt }))).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      param: "expires_at",
      message: expect.stringMatching(/at least 30 minutes/),
    });
    await expect(stripe.checkout.sessions.create(sessionParams({ expires_at: inMinutes(24 * 60 + 1) }))).rejects.toMatchObject({
      param: "expires_at",
    });
  });

  it.each([
    ["an unknown parameter", { ...sessionParams(), shipping_rates: ["shr_1"] } as never, "parameter_unknown", "shipping_rates"],
    ["no line items", { ...sessionParams(), line_items: undefined }, "parameter_missing", "line_items"],
    [
      "a fractional quantity",
      sessionParams({ line_items: [{ quantity: 1.5, price_data: { currency: "usd", unit_amount: 100, product_data: { name: "x" } } }] }),
      "parameter_invalid",
      "line_items[0][quantity]",
    ],
  ])("refuses %s with Stripe's error", async (_name, params, code, param) => {
    await expect(stripe.checkout.sessions.create(params)).rejects.toMatchObject({ type: "StripeInvalidRequestError", code, param, statusCode: 400 });
  });

  it("authenticates with test-mode secret keys only", async () => {
    await expect(createStripeClient("sk_live_nope", simulator.url).checkout.sessions.list()).rejects.toMatchObject({
      type: "StripeAuthenticationError",
      statusCode: 401,
    });
    const response = await fetch(`${simulator.url}/v1/checkout/sessions`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/did not provide an API key/);
  });

  it("answers an unknown object and an unknown URL with Stripe's 404s", async () => {
    await expect(stripe.checkout.sessions.retrieve("cs_test_missing")).rejects.toMatchObject({ code: "resource_missing", statusCode: 404 });
    await expect(stripe.events.retrieve("evt_missing")).rejects.toMatchObject({ code: "resource_missing" });
    const response = await fetch(`${simulator.url}/v1/customers`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(404);
  });
});

describe("hosted payment page and webhooks", () => {
  it("takes a 4242 payment, redirects to success_url and sends a signed checkout.session.completed", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const paid = await payOnCheckoutPage(session.url!, "4242 4242 4242 4242");
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(`http://localhost:3000/orders/ord_test?session=${session.id}`);

    await waitUntil("completed event", () => receiver.types().includes("checkout.session.completed"));
    const completed = receiver.events.find((e) => e.type === "checkout.session.completed")!;
    const object = completed.data.object as Stripe.Checkout.Session;
    expect(object).toMatchObject({ id: session.id, status: "complete", payment_status: "paid", client_reference_id: "ord_test" });
    expect(receiver.rejectedSignatures).toBe(0);

    const intent = await stripe.paymentIntents.retrieve(object.payment_intent as string);
    expect(intent).toMatchObject({ status: "succeeded", amount: 7800, metadata: { orderId: "ord_test" } });
    expect((await stripe.events.retrieve(completed.id)).data.object).toEqual(object);
  });

  it.each([
    ["4000 0000 0000 0002", 200, /declined/],
    ["4000 0000 0000 9995", 200, /insufficient funds/],
    ["4000 0000 0000 0069", 200, /expired/],
    ["4242 4242 4242 4241", 400, /number is incorrect/],
    ["4111 1111 1111 1111", 200, /non test card/],
  ])("refuses card %s with a message and keeps the session open", async (card, status, message) => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const attempt = await payOnCheckoutPage(session.url!, card);
    expect(attempt.status).toBe(status);
    expect(attempt.alert).toMatch(message);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    await simulator.whenDeliveriesSettled();
    expect(receiver.types()).not.toContain("checkout.session.completed");
  });

  it("cannot be paid twice", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await payOnCheckoutPage(session.url!, "4242424242424242");
    const second = await fetch(session.url!, { method: "POST", body: new URLSearchParams({ email: "a@b.co", cardNumber: "4242424242424242", cardExpiry: "12/34", cardCvc: "123" }) });
    expect(second.status).toBe(409);
    expect(await second.text()).toMatch(/already been paid/);
    await simulator.whenDeliveriesSettled();
    expect(receiver.types().filter((t) => t === "checkout.session.completed")).toHaveLength(1);
  });

  it("retries a failing endpoint with a fresh signature until it answers 2xx", async () => {
    receiver.failNext = 2;
    const session = await stripe.checkout.sessions.create(sessionParams());
    await payOnCheckoutPage(session.url!, "4242424242424242");
    await simulator.whenDeliveriesSettled();
    const deliveries = simulator.deliveries.filter((d) => d.type === "checkout.session.completed" && receiver.events.some((e) => e.id === d.eventId));
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ state: "delivered", attempts: 3, lastStatus: 200 });
  });

  it("settles an ACH debit later: completed unpaid, then async_payment_succeeded or _failed", async () => {
    const outcomes: Record<string, string> = { "000123456789": "checkout.session.async_payment_succeeded", "000111111113": "checkout.session.async_payment_failed" };
    for (const [account, expected] of Object.entries(outcomes)) {
      receiver.events = [];
      const session = await stripe.checkout.sessions.create(sessionParams());
      const response = await fetch(`${session.url}/bank`, {
        method: "POST",
        body: new URLSearchParams({ bankEmail: "shopper@example.com", routingNumber: "110000000", accountNumber: account, accountHolder: "Sam" }),
        redirect: "manual",
      });
      expect(response.status).toBe(303);
      await waitUntil(expected, () => receiver.types().includes(expected));
      const completed = receiver.events.find((e) => e.type === "checkout.session.completed")!.data.object as Stripe.Checkout.Session;
      expect(completed.payment_status).toBe("unpaid");
      const settled = receiver.events.find((e) => e.type === expected)!.data.object as Stripe.Checkout.Session;
      expect(settled.payment_status).toBe(expected.endsWith("succeeded") ? "paid" : "unpaid");
    }
  });

  it("expires a session when expires_at passes, and refuses to expire it again", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    clockOffsetMs = 36 * 60 * 1000;
    await waitUntil("expired event", () => receiver.events.some((e) => e.type === "checkout.session.expired" && (e.data.object as { id: string }).id === session.id));
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
    expect(await (await fetch(session.url!)).text()).toMatch(/expired/);
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ type: "StripeInvalidRequestError" });
  });

  it("sends an endpoint only the event types it subscribed to", async () => {
    const narrow = new Receiver();
    await narrow.start();
    const scoped = await startStripeSimulator({ port: 0, webhookEndpoints: [{ url: narrow.url, secret: SECRET, enabledEvents: ["checkout.session.completed"] }] });
    try {
      const client = createStripeClient(KEY, scoped.url);
      const session = await client.checkout.sessions.create(sessionParams());
      await payOnCheckoutPage(session.url!, "4242424242424242");
      await scoped.whenDeliveriesSettled();
      expect(narrow.types()).toEqual(["checkout.session.completed"]);
      // Every event still exists in the API, e.g. for replay.
      expect((await client.events.list({ type: "payment_intent.succeeded" as Stripe.EventListParams["type"] })).data).toHaveLength(1);
    } finally {
      await scoped.stop();
      await narrow.stop();
    }
  });
});

describe("refunds", () => {
  it("refunds a paid session in part and then in full, sending refund.created and charge.refunded each time", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await payOnCheckoutPage(session.url!, "4242424242424242");
    const paymentIntent = (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;

    const part = await stripe.refunds.create({ payment_intent: paymentIntent, amount: 1000 });
    expect(part).toMatchObject({ object: "refund", amount: 1000, status: "succeeded", payment_intent: paymentIntent });
    const rest = await stripe.refunds.create({ payment_intent: paymentIntent });
    expect(rest.amount).toBe(7800 - 1000);
    await waitUntil("two charge.refunded events", () => receiver.types().filter((t) => t === "charge.refunded").length === 2);
    const charges = receiver.events.filter((e) => e.type === "charge.refunded").map((e) => e.data.object as Stripe.Charge);
    expect(charges.map((c) => [c.amount_refunded, c.refunded, c.payment_intent])).toEqual([
      [1000, false, paymentIntent],
      [7800, true, paymentIntent],
    ]);
    await expect(stripe.refunds.create({ payment_intent: paymentIntent })).rejects.toMatchObject({ code: "charge_already_refunded" });
  });

  it("refuses to refund more than was paid, or a payment that did not succeed", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await payOnCheckoutPage(session.url!, "4242424242424242");
    const paymentIntent = (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
    await expect(stripe.refunds.create({ payment_intent: paymentIntent, amount: 999_999 })).rejects.toMatchObject({ code: "amount_too_large", param: "amount" });
    await expect(stripe.refunds.create({ payment_intent: "pi_missing" })).rejects.toMatchObject({ code: "resource_missing" });
  });
});

describe("faults on demand", () => {
  it("a 500 is retried by the SDK and creates one session", async () => {
    simulator.injectFault({ method: "POST", path: "/v1/checkout/sessions", kind: "error", status: 500, times: 1 });
    const before = simulator.requestCounts.get("POST /v1/checkout/sessions") ?? 0;
    const key = `fault-${Math.random()}`;
    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    expect(session.status).toBe("open");
    expect((simulator.requestCounts.get("POST /v1/checkout/sessions") ?? 0) - before).toBe(1);
  });

  it("a lost response is retried with the same idempotency key: still one session", async () => {
    simulator.injectFault({ method: "POST", path: "/v1/checkout/sessions", kind: "drop", when: "after", times: 1 });
    const before = (await stripe.checkout.sessions.list({ limit: 100 })).data.length;
    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: `lost-${Math.random()}` });
    const after = await stripe.checkout.sessions.list({ limit: 100 });
    expect(after.data.length - before).toBe(1);
    expect(after.data[0]!.id).toBe(session.id);
  });
});
