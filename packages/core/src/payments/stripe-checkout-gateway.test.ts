// The Stripe CheckoutGateway against the local Stripe simulator through the real `stripe` SDK:
// what a session is created with, how Stripe's session and payment states map onto the ones the
// order logic acts on (an expiry releases stock only if the session was not paid), refunds at
// most once, and outages surfacing as PaymentProviderUnavailable. A few answers the simulator
// never gives (Stripe's enums are open-ended) are staged on a stub client at the end.
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { payByBankDebitOnCheckoutPage, payOnCheckoutPage } from "../../../../test/support/checkout-page-client";
import { startStripeSimulator, type StripeSimulator } from "@shopwave/local/stripe/stripe-simulator";
import { PaymentProviderUnavailable } from "../shared/domain-error";
import type { CheckoutGateway, CheckoutRequest } from "./checkout-gateway";
import { createStripeCheckoutGateway } from "./stripe-checkout-gateway";
import { createStripeClient } from "./stripe-client";

let simulator: StripeSimulator;
let stripe: Stripe;
let gateway: CheckoutGateway;

beforeAll(async () => {
  // No webhook endpoints: only the REST answers matter here. Bank debits settle when told to.
  simulator = await startStripeSimulator({ port: 0, webhookEndpoints: [], bankDebitSettleMs: null });
  stripe = createStripeClient("sk_test_gateway_unit", simulator.url);
  gateway = createStripeCheckoutGateway(stripe);
});
afterAll(async () => {
  await simulator?.stop();
});
afterEach(() => simulator.clearFaults());

let orders = 0;
function request(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  const orderId = `ord_gatewayunit${String(++orders).padStart(12, "0")}${Math.random().toString(36).slice(2, 8)}`;
  return {
    orderId,
    email: "shopper@example.com",
    currency: "usd",
    lines: [
      { productId: "mug", name: "Mug", unitPriceCents: 1250, quantity: 3 },
      { productId: "lamp", name: "Lamp", unitPriceCents: 4999, quantity: 1 },
    ],
    expiresAt: Math.floor(Date.now() / 1000) + 35 * 60,
    successUrl: `https://shop.example/orders/${orderId}/paid`,
    cancelUrl: `https://shop.example/orders/${orderId}/cancelled`,
    ...overrides,
  };
}

const TOTAL = 3 * 1250 + 4999;

async function paidSession() {
  const asked = request();
  const session = await gateway.createSession(asked);
  const paid = await payOnCheckoutPage(session.url, "4242424242424242");
  expect(paid.status).toBe(303);
  const state = await gateway.getSession(session.id);
  return { asked, session, paymentIntentId: state.paymentIntentId! };
}

const failure = (attempt: Promise<unknown>) =>
  attempt.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );

describe("createSession", () => {
  it("creates a payment session for the order's lines, amounts and return URLs", async () => {
    const asked = request();
    const session = await gateway.createSession(asked);
    expect(session.id).toMatch(/^cs_/);
    expect(session.url).toMatch(new RegExp(`^${simulator.url}/c/pay/`));

    const created = await stripe.checkout.sessions.retrieve(session.id);
    expect(created).toMatchObject({
      mode: "payment",
      customer_email: "shopper@example.com",
      client_reference_id: asked.orderId,
      metadata: { orderId: asked.orderId },
      expires_at: asked.expiresAt,
      success_url: asked.successUrl,
      cancel_url: asked.cancelUrl,
      amount_total: TOTAL,
      currency: "usd",
      url: session.url,
    });
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.map((item) => ({ quantity: item.quantity, unit: item.price?.unit_amount, total: item.amount_total, name: item.description }))).toEqual([
      { quantity: 3, unit: 1250, total: 3750, name: "Mug" },
      { quantity: 1, unit: 4999, total: 4999, name: "Lamp" },
    ]);
  });

  it("puts the order id on the payment it leads to", async () => {
    const { asked, paymentIntentId } = await paidSession();
    const payment = await gateway.getPayment(paymentIntentId);
    expect(payment).toEqual({ id: paymentIntentId, status: "succeeded", orderId: asked.orderId, amount: TOTAL, currency: "usd" });
  });

  it("is idempotent per order: a retry yields the same session, another order a new one", async () => {
    const asked = request();
    const first = await gateway.createSession(asked);
    const again = await gateway.createSession(asked);
    const other = await gateway.createSession(request());
    expect(again).toEqual(first);
    expect(other.id).not.toBe(first.id);
  });

  it.each([
    ["a 500", { kind: "error", status: 500 } as const, "StripeAPIError"],
    ["a 429", { kind: "error", status: 429 } as const, "StripeRateLimitError"],
    ["a dropped connection", { kind: "drop", when: "before" } as const, "StripeConnectionError"],
  ])("turns %s that outlasts the SDK's retries into PaymentProviderUnavailable, keeping the cause", async (_name, fault, type) => {
    simulator.injectFault({ method: "POST", path: "/v1/checkout/sessions", ...fault });
    const error = await failure(gateway.createSession(request()));
    expect(error).toBeInstanceOf(PaymentProviderUnavailable);
    expect((error as PaymentProviderUnavailable).retryAfterSeconds).toBe(5);
    expect((error as PaymentProviderUnavailable).message).toMatch(/try again/);
    expect((error as PaymentProviderUnavailable).cause).toMatchObject({ type });
  });

  it("lets a request Stripe refuses (not an outage) through as it is", async () => {
    simulator.injectFault({ method: "POST", path: "/v1/checkout/sessions", kind: "error", status: 400, type: "invalid_request_error", message: "Bad line items." });
    const error = await failure(gateway.createSession(request()));
    expect(error).not.toBeInstanceOf(PaymentProviderUnavailable);
    expect(error).toMatchObject({ type: "StripeInvalidRequestError", message: "Bad line items." });
  });
});

describe("getSession", () => {
  it("reports an open session as open and unpaid, with its amount and currency", async () => {
    const session = await gateway.createSession(request());
    expect(await gateway.getSession(session.id)).toEqual({
      id: session.id,
      status: "open",
      paymentStatus: "unpaid",
      paymentIntentId: undefined,
      amountTotal: TOTAL,
      currency: "usd",
    });
  });

  it("reports a paid session as complete and paid, with its payment", async () => {
    const { session, paymentIntentId } = await paidSession();
    expect(paymentIntentId).toMatch(/^pi_/);
    expect(await gateway.getSession(session.id)).toEqual({
      id: session.id,
      status: "complete",
      paymentStatus: "paid",
      paymentIntentId,
      amountTotal: TOTAL,
      currency: "usd",
    });
  });

  it("reports a bank debit still settling as complete but unpaid", async () => {
    const session = await gateway.createSession(request());
    expect((await payByBankDebitOnCheckoutPage(session.url, "000123456789")).status).toBe(303);
    expect(await gateway.getSession(session.id)).toMatchObject({ status: "complete", paymentStatus: "unpaid", paymentIntentId: expect.stringMatching(/^pi_/) });
  });
});

describe("getPayment", () => {
  it("is pending while a bank debit is processing, succeeded once it settles", async () => {
    const asked = request();
    const session = await gateway.createSession(asked);
    await payByBankDebitOnCheckoutPage(session.url, "000123456789");
    const { paymentIntentId } = await gateway.getSession(session.id);
    expect(await gateway.getPayment(paymentIntentId!)).toEqual({ id: paymentIntentId, status: "pending", orderId: asked.orderId, amount: TOTAL, currency: "usd" });
    expect(simulator.settleBankDebit(session.id)).toBe(true);
    expect(await gateway.getPayment(paymentIntentId!)).toMatchObject({ status: "succeeded" });
    expect(await gateway.getSession(session.id)).toMatchObject({ status: "complete", paymentStatus: "paid" });
  });

  it("is failed once a bank debit fails", async () => {
    const session = await gateway.createSession(request());
    await payByBankDebitOnCheckoutPage(session.url, "000222222227");
    const { paymentIntentId } = await gateway.getSession(session.id);
    expect(await gateway.getPayment(paymentIntentId!)).toMatchObject({ status: "pending" });
    simulator.settleBankDebit(session.id);
    expect(await gateway.getPayment(paymentIntentId!)).toMatchObject({ id: paymentIntentId, status: "failed", amount: TOTAL });
  });
});

describe("refundPayment", () => {
  it("refunds once however often it is asked", async () => {
    const { asked, paymentIntentId } = await paidSession();
    const first = await gateway.refundPayment({ paymentIntentId, orderId: asked.orderId, why: "late_payment" });
    expect(first.refundId).toMatch(/^re_/);
    const second = await gateway.refundPayment({ paymentIntentId, orderId: asked.orderId, why: "late_payment" });
    expect(second.refundId).toBe(first.refundId);

    const refunds = (await stripe.events.list({ type: "refund.created", limit: 100 })).data
      .map((event) => event.data.object as Stripe.Refund)
      .filter((refund) => refund.payment_intent === paymentIntentId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ id: first.refundId, amount: TOTAL, metadata: { orderId: asked.orderId, why: "late_payment" } });
  });

  it("treats a payment already refunded by other means as done", async () => {
    const { asked, paymentIntentId } = await paidSession();
    await stripe.refunds.create({ payment_intent: paymentIntentId });
    expect(await gateway.refundPayment({ paymentIntentId, orderId: asked.orderId, why: "late_payment" })).toEqual({ refundId: undefined });
  });

  it("fails for a payment that cannot be refunded", async () => {
    const session = await gateway.createSession(request());
    await payByBankDebitOnCheckoutPage(session.url, "000123456789");
    const { paymentIntentId } = await gateway.getSession(session.id);
    const error = await failure(gateway.refundPayment({ paymentIntentId: paymentIntentId!, orderId: "ord_x", why: "late_payment" }));
    expect(error).toMatchObject({ code: "charge_not_refundable" });
  });
});

describe("expireSession", () => {
  it("expires an open session", async () => {
    const session = await gateway.createSession(request());
    expect(await gateway.expireSession(session.id)).toMatchObject({ id: session.id, status: "expired", paymentStatus: "unpaid", paymentIntentId: undefined });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
  });

  it("reports a session that was already paid, or already expired, as it is", async () => {
    const { session, paymentIntentId } = await paidSession();
    expect(await gateway.expireSession(session.id)).toEqual({
      id: session.id,
      status: "complete",
      paymentStatus: "paid",
      paymentIntentId,
      amountTotal: TOTAL,
      currency: "usd",
    });
    const expired = await gateway.createSession(request());
    await gateway.expireSession(expired.id);
    expect(await gateway.expireSession(expired.id)).toMatchObject({ status: "expired" });
  });

  it("does not pass off a refusal as done while the session is still open", async () => {
    const session = await gateway.createSession(request());
    simulator.injectFault({ method: "POST", path: `/v1/checkout/sessions/${session.id}/expire`, kind: "error", status: 400, type: "invalid_request_error", message: "Refused.", times: 1 });
    expect(await failure(gateway.expireSession(session.id))).toMatchObject({ type: "StripeInvalidRequestError", message: "Refused." });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  });

  it("does not read the session back after a failure other than a refusal", async () => {
    const { session } = await paidSession();
    simulator.injectFault({ method: "POST", path: `/v1/checkout/sessions/${session.id}/expire`, kind: "error", status: 500 });
    expect(await failure(gateway.expireSession(session.id))).toMatchObject({ type: "StripeAPIError" });
  });
});

describe("answers the simulator never gives", () => {
  function stubbed(session: Partial<Stripe.Checkout.Session>, intent?: Partial<Stripe.PaymentIntent>): CheckoutGateway {
    const client = {
      checkout: { sessions: { retrieve: async () => ({ id: "cs_stub", ...session }) } },
      paymentIntents: { retrieve: async () => ({ id: "pi_stub", amount: 100, currency: "usd", metadata: {}, last_payment_error: null, ...intent }) },
    };
    return createStripeCheckoutGateway(client as unknown as Stripe);
  }

  it("maps no_payment_required, an expanded payment intent and an upper-case currency", async () => {
    const state = await stubbed({ status: "complete", payment_status: "no_payment_required", payment_intent: { id: "pi_expanded" } as Stripe.PaymentIntent, amount_total: 0, currency: "EUR" }).getSession("cs_stub");
    expect(state).toEqual({ id: "cs_stub", status: "complete", paymentStatus: "no_payment_required", paymentIntentId: "pi_expanded", amountTotal: 0, currency: "eur" });
  });

  it("treats unknown statuses as open and unpaid, and missing amounts as unknown", async () => {
    const state = await stubbed({ status: "someday" as never, payment_status: "maybe" as never, payment_intent: null, amount_total: null, currency: null }).getSession("cs_stub");
    expect(state).toEqual({ id: "cs_stub", status: "open", paymentStatus: "unpaid", paymentIntentId: undefined, amountTotal: undefined, currency: undefined });
  });

  it.each([
    ["canceled", null, "failed"],
    ["requires_payment_method", { code: "card_declined" }, "failed"],
    ["requires_payment_method", null, "pending"],
    ["requires_action", null, "pending"],
    ["processing", null, "pending"],
    ["requires_action", { code: "authentication_required" }, "pending"],
  ] as const)("maps a payment %s (last error %j) to %s", async (status, lastError, expected) => {
    const payment = await stubbed({}, { status, last_payment_error: lastError as never, currency: "USD", metadata: { orderId: "ord_1" } }).getPayment("pi_stub");
    expect(payment).toEqual({ id: "pi_stub", status: expected, orderId: "ord_1", amount: 100, currency: "usd" });
  });

  it("knows no order for a payment without our metadata", async () => {
    expect((await stubbed({}, { status: "succeeded", metadata: {} }).getPayment("pi_stub")).orderId).toBeUndefined();
    expect((await stubbed({}, { status: "succeeded", metadata: { orderId: "" } }).getPayment("pi_stub")).orderId).toBeUndefined();
  });

  it("refuses a created session without a URL", async () => {
    const client = { checkout: { sessions: { create: async () => ({ id: "cs_no_url", url: null }) } } };
    const error = await failure(createStripeCheckoutGateway(client as unknown as Stripe).createSession(request()));
    expect(error).not.toBeInstanceOf(PaymentProviderUnavailable);
    expect((error as Error).message).toBe("Stripe returned session cs_no_url without a URL.");
  });
});
