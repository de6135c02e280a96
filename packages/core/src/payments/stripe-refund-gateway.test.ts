// The operator's RefundGateway against the local Stripe simulator through the real `stripe` SDK:
// the refund made with the amount, reason and metadata asked; one refund per idempotency key;
// Stripe's refusals (more than is left, a key reused with other parameters) as RefundRefused,
// which the console shows as a 409; outages as PaymentProviderUnavailable (retry the same request).
import type Stripe from "stripe";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStripeSimulator, type StripeSimulator } from "@shopwave/local/stripe/stripe-simulator";
import { payOnCheckoutPage } from "../../../../test/support/checkout-page-client";
import { PaymentProviderUnavailable } from "../shared/domain-error";
import type { RefundGateway, RefundRequest } from "./refund-gateway";
import { createStripeCheckoutGateway } from "./stripe-checkout-gateway";
import { createStripeClient } from "./stripe-client";
import { createStripeRefundGateway, RefundRefused } from "./stripe-refund-gateway";

let simulator: StripeSimulator;
let stripe: Stripe;
let gateway: RefundGateway;
beforeAll(async () => {
  simulator = await startStripeSimulator({ port: 0, webhookEndpoints: [], bankDebitSettleMs: null });
  stripe = createStripeClient("sk_test_refund_gateway_unit", simulator.url);
  gateway = createStripeRefundGateway(stripe);
});
afterAll(async () => {
  await simulator?.stop();
});
afterEach(() => simulator.clearFaults());

let payments = 0;
/** A payment of 5000 for an order, made through the checkout gateway and paid on its hosted page. */
async function paidPaymentIntent(): Promise<string> {
  const orderId = `ord_refundunit${String(++payments).padStart(12, "0")}${Math.random().toString(36).slice(2, 8)}`;
  const session = await createStripeCheckoutGateway(stripe).createSession({
    orderId,
    email: "shopper@example.com",
    currency: "usd",
    lines: [{ productId: "lamp", name: "Lamp", unitPriceCents: 2500, quantity: 2 }],
    expiresAt: Math.floor(Date.now() / 1000) + 35 * 60,
    successUrl: `https://shop.example/orders/${orderId}/paid`,
    cancelUrl: `https://shop.example/orders/${orderId}/cancelled`,
  });
  expect((await payOnCheckoutPage(session.url, "4242424242424242")).status).toBe(303);
  return (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
}

const request = (paymentIntentId: string, overrides: Partial<RefundRequest> = {}): RefundRequest => ({
  paymentIntentId,
  amountCents: 1200,
  reason: "requested_by_customer",
  note: "one lamp arrived broken",
  orderId: "ord_00000000000000000000000001",
  operatorId: "cus_0000000000000000000000oper",
  idempotencyKey: `operator-refund-${randomUUID()}`,
  ...overrides,
});

/** The refunds made at Stripe for this payment (the simulator answers no refund list; its events do). */
async function refundsFor(paymentIntentId: string): Promise<Stripe.Refund[]> {
  return (await stripe.events.list({ type: "refund.created", limit: 100 })).data.map((event) => event.data.object as Stripe.Refund).filter((refund) => refund.payment_intent === paymentIntentId);
}

const failure = (attempt: Promise<unknown>) =>
  attempt.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );

describe("createStripeRefundGateway", () => {
  it("refunds the amount asked, with the reason and the order, operator and note in its metadata", async () => {
    const paymentIntentId = await paidPaymentIntent();
    const result = await gateway.createRefund(request(paymentIntentId, { note: "n".repeat(600) }));
    expect(result).toEqual({ refundId: expect.stringMatching(/^re_/), amountCents: 1200, status: "succeeded" });
    const [made] = await refundsFor(paymentIntentId);
    expect(made).toMatchObject({
      id: result.refundId,
      amount: 1200,
      reason: "requested_by_customer",
      metadata: { orderId: "ord_00000000000000000000000001", operatorId: "cus_0000000000000000000000oper", note: "n".repeat(500) },
    });
  });

  it("makes one refund per idempotency key however often it is sent", async () => {
    const paymentIntentId = await paidPaymentIntent();
    const asked = request(paymentIntentId);
    const [first, second] = [await gateway.createRefund(asked), await gateway.createRefund(asked)];
    expect(second.refundId).toBe(first.refundId);
    expect(await refundsFor(paymentIntentId)).toHaveLength(1);
  });

  it("turns Stripe's refusals into RefundRefused with Stripe's code: more than is left, a key reused for another amount", async () => {
    const paymentIntentId = await paidPaymentIntent();
    const tooMuch = await failure(gateway.createRefund(request(paymentIntentId, { amountCents: 5001 })));
    expect(tooMuch).toBeInstanceOf(RefundRefused);
    expect(tooMuch).toMatchObject({ code: "REFUND_REFUSED", details: { providerCode: expect.any(String) } });

    const asked = request(paymentIntentId);
    await gateway.createRefund(asked);
    const reused = await failure(gateway.createRefund({ ...asked, amountCents: 100 }));
    expect(reused).toBeInstanceOf(RefundRefused);
    expect(reused).toMatchObject({ code: "REFUND_REFUSED", message: expect.stringContaining("idempotent") });
    expect((await refundsFor(paymentIntentId)).map((refund) => refund.amount)).toEqual([1200]);
  });

  it.each([
    ["a server error", { kind: "error", status: 500 }],
    ["a rate limit", { kind: "error", status: 429 }],
    ["a dropped connection", { kind: "drop", when: "before" }],
  ] as const)("turns %s that outlasts the SDK's retries into PaymentProviderUnavailable", async (_name, fault) => {
    const paymentIntentId = await paidPaymentIntent();
    simulator.injectFault({ method: "POST", path: "/v1/refunds", ...fault });
    const error = await failure(gateway.createRefund(request(paymentIntentId)));
    expect(error).toBeInstanceOf(PaymentProviderUnavailable);
    expect((error as Error).message).toBe("The payment provider is unavailable; send the same refund again shortly.");
    simulator.clearFaults();
    expect(await refundsFor(paymentIntentId)).toEqual([]);
  });

  it("passes on any other failure as it is", async () => {
    const broken = createStripeRefundGateway({ refunds: { create: async () => Promise.reject(new TypeError("bug")) } } as unknown as Stripe);
    const error = await failure(broken.createRefund(request("pi_x")));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(RefundRefused);
  });
});
