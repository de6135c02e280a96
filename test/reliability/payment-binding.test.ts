// Payments bound to their own order, tried as an attacker would. A Stripe signature proves
// Stripe sent an event, not which order it concerns: anyone who can create or pay a Checkout
// Session on the same account can name any order in `client_reference_id`. Here genuinely
// signed events of foreign sessions (created and paid or expired on the simulator), and events
// forged with the webhook secret (defence in depth), must never confirm, cancel or refund an
// order that is not theirs, nor release its stock; a payment that lands on a cancelled order is
// refunded once; and only the exact genuine combination of session, amount, currency, status
// and payment confirms (fast-check).
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import fc from "fast-check";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelOrder, getOrderRecord } from "@shopwave/core/orders/order-store";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { payByBankDebitOnCheckoutPage, payOnCheckoutPage } from "../support/checkout-page-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { queueDepth, withPoller } from "../support/queues";
import { checkoutSessionEvent, postWebhook, signatureHeader } from "../support/stripe-webhook";
import { placeOrder, startTestStack, TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, type PlacedOrder, type TestStack } from "../support/test-stack";

let t: TestStack;
let stripe: Stripe;

beforeAll(async () => {
  // No poller until a test has staged its deliveries; bank debits settle only when told to.
  t = await startTestStack({ startPoller: false, stripeSimulator: { bankDebitSettleMs: null } });
  stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
});
afterAll(async () => t?.stop());

const deliver = async (payload: string) => {
  const response = await postWebhook(t.stack.urls.api, payload, signatureHeader(payload, TEST_WEBHOOK_SECRET));
  expect(response.status).toBe(200);
};

/** Puts an event on the queue behind the webhook's dedupe, as an SQS redelivery would. */
const enqueueDirectly = (payload: string) => t.sqs.send(new SendMessageCommand({ QueueUrl: t.stack.queueUrls.orderEvents, MessageBody: payload }));

/** Every webhook the simulator owes delivered, and every queued event applied by the worker. */
async function processEverything(): Promise<void> {
  await t.stack.stripe!.whenDeliveriesSettled();
  await withPoller(t, async () => {
    await waitFor("order events applied", async () => ((await queueDepth(t)) === 0 ? true : undefined), 30_000);
  });
  expect(await queueDepth(t, t.stack.queueUrls.orderEventsDlq)).toBe(0);
}

const record = async (placed: PlacedOrder) => (await getOrderRecord(t.store, placed.order.id))!;

/** A session on the same Stripe account that names an order it does not belong to. */
function foreignSessionNaming(orderId: string, options: { amount?: number; currency?: string } = {}) {
  return stripe.checkout.sessions.create({
    mode: "payment",
    customer_email: "attacker@example.com",
    client_reference_id: orderId,
    metadata: { orderId },
    payment_intent_data: { metadata: { orderId } },
    success_url: "http://attacker.invalid/thanks",
    line_items: [{ quantity: 1, price_data: { currency: options.currency ?? "usd", unit_amount: options.amount ?? 1, product_data: { name: "Not the order" } } }],
  });
}

async function productWithStock(index: number, stock: number): Promise<string> {
  const product = seedProducts[index]!.id;
  await t.setStock(product, stock);
  return product;
}

const refundsOf = async (paymentIntentId: string) =>
  (await stripe.events.list({ type: "charge.refunded", limit: 100 })).data.filter(
    (event) => (event.data.object as Stripe.Charge).payment_intent === paymentIntentId,
  );

describe("a genuinely signed event of a foreign session that names an order", () => {
  it("does not confirm it when paid (a 1-cent session for a 3,400-cent order); the order's own session still can", async () => {
    const product = await productWithStock(0, 10);
    const placed = await placeOrder(t.api, product, 2);
    const foreign = await foreignSessionNaming(placed.order.id, { amount: 1 });
    expect((await payOnCheckoutPage(foreign.url!, "4242424242424242")).status).toBe(303);
    await processEverything();

    const afterForeign = await record(placed);
    expect(afterForeign.status).toBe("PENDING_PAYMENT");
    expect(afterForeign.paymentMismatches).toHaveLength(1);
    expect(afterForeign.paymentMismatches![0]).toMatchObject({ sessionId: foreign.id });
    expect(afterForeign.paymentMismatches![0]!.fields.map((field) => field.field)).toEqual(["session", "amount"]);
    expect(await t.stockOf(product)).toBe(8);

    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await processEverything();
    const own = await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId);
    expect(await record(placed)).toMatchObject({ status: "CONFIRMED", paymentIntentId: own.payment_intent });
    expect(await t.stockOf(product)).toBe(8);
  });

  it("does not cancel it or release its stock when expired, so the shopper can still pay", async () => {
    const product = await productWithStock(1, 10);
    const placed = await placeOrder(t.api, product, 3);
    const foreign = await foreignSessionNaming(placed.order.id);
    await stripe.checkout.sessions.expire(foreign.id);
    await processEverything();

    expect((await record(placed)).status).toBe("PENDING_PAYMENT");
    expect(await t.stockOf(product)).toBe(7);
    expect((await record(placed)).paymentMismatches!.map((mismatch) => mismatch.sessionId)).toEqual([foreign.id]);

    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await processEverything();
    expect((await record(placed)).status).toBe("CONFIRMED");
    expect(await t.stockOf(product)).toBe(7);
  });

  it("does not refund it when another payment naming it is refunded; its own refund still does", async () => {
    const product = await productWithStock(2, 10);
    const placed = await placeOrder(t.api, product, 1);
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await processEverything();
    const ownPayment = (await record(placed)).paymentIntentId!;
    expect(ownPayment).toMatch(/^pi_/);

    const foreign = await foreignSessionNaming(placed.order.id, { amount: 500 });
    expect((await payOnCheckoutPage(foreign.url!, "4242424242424242")).status).toBe(303);
    const foreignPayment = (await stripe.checkout.sessions.retrieve(foreign.id)).payment_intent as string;
    await stripe.refunds.create({ payment_intent: foreignPayment });
    await processEverything();
    const afterForeign = await record(placed);
    expect(afterForeign.status).toBe("CONFIRMED");
    expect(afterForeign.paymentMismatches!.at(-1)).toMatchObject({
      paymentIntentId: foreignPayment,
      fields: [{ field: "payment_intent", expected: ownPayment, received: foreignPayment }],
    });

    await stripe.refunds.create({ payment_intent: ownPayment });
    await processEverything();
    expect((await record(placed)).status).toBe("REFUNDED");
  });
});

describe("checkout.session.async_payment_failed", () => {
  it("releases nothing for a session that is still open, which the shopper then pays", async () => {
    const product = await productWithStock(3, 10);
    const placed = await placeOrder(t.api, product, 2);
    await deliver(
      checkoutSessionEvent("checkout.session.async_payment_failed", {
        id: placed.order.checkoutSessionId,
        orderId: placed.order.id,
        paymentStatus: "unpaid",
        paymentIntent: null,
      }),
    );
    await processEverything();
    expect((await record(placed)).status).toBe("PENDING_PAYMENT");
    expect(await t.stockOf(product)).toBe(8);

    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await processEverything();
    expect((await record(placed)).status).toBe("CONFIRMED");
    expect(await t.stockOf(product)).toBe(8);
  });

  it("releases nothing while the order's bank debit is still settling, which then succeeds", async () => {
    const product = await productWithStock(4, 10);
    const placed = await placeOrder(t.api, product, 2);
    expect((await payByBankDebitOnCheckoutPage(placed.checkoutUrl, "000123456789")).status).toBe(303);
    await processEverything();
    const session = await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId);
    // An early (forged or reordered) failure for the debit in flight.
    await deliver(
      checkoutSessionEvent("checkout.session.async_payment_failed", {
        id: placed.order.checkoutSessionId,
        orderId: placed.order.id,
        paymentStatus: "unpaid",
        paymentIntent: session.payment_intent as string,
      }),
    );
    await processEverything();
    expect((await record(placed)).status).toBe("PENDING_PAYMENT");
    expect(await t.stockOf(product)).toBe(8);

    expect(t.stack.stripe!.settleBankDebit(placed.order.checkoutSessionId)).toBe(true);
    await processEverything();
    expect((await record(placed)).status).toBe("CONFIRMED");
    expect(await t.stockOf(product)).toBe(8);
  });
});

describe("events forged with the webhook secret", () => {
  it("confirm no order when the amount, currency, session, status or payment is not the order's own", async () => {
    const product = await productWithStock(5, 20);
    const victims = await Promise.all(Array.from({ length: 5 }, () => placeOrder(t.api, product, 2)));
    const other = await placeOrder(t.api, product, 2);
    const [cheap, otherSession, free, noPayment, unpaid] = victims as [PlacedOrder, PlacedOrder, PlacedOrder, PlacedOrder, PlacedOrder];
    const own = (placed: PlacedOrder) => ({ id: placed.order.checkoutSessionId, orderId: placed.order.id, amountTotal: placed.order.totalCents, currency: "usd" });
    const forged: [PlacedOrder, Parameters<typeof checkoutSessionEvent>[1], string[]][] = [
      [cheap, { ...own(cheap), amountTotal: 1, currency: "eur" }, ["amount", "currency"]],
      [otherSession, { ...own(otherSession), id: other.order.checkoutSessionId }, ["session"]],
      [free, { ...own(free), paymentStatus: "no_payment_required", amountTotal: 0 }, ["amount", "payment_status"]],
      [noPayment, { ...own(noPayment), paymentIntent: null }, ["payment_intent"]],
      [unpaid, { ...own(unpaid), paymentStatus: "unpaid" }, ["payment_status"]],
    ];
    for (const [, session] of forged) await deliver(checkoutSessionEvent("checkout.session.async_payment_succeeded", session));
    await processEverything();

    for (const [placed, , fields] of forged) {
      const stored = await record(placed);
      expect(stored.status, placed.order.id).toBe("PENDING_PAYMENT");
      expect(stored.paymentMismatches![0]!.fields.map((field) => field.field)).toEqual(fields);
    }
    expect((await record(other)).status).toBe("PENDING_PAYMENT");
    expect(await t.stockOf(product)).toBe(20 - 12);
  });

  it("records a mismatch once however often it is redelivered, and the mismatch never blocks the genuine payment", async () => {
    const product = await productWithStock(6, 10);
    const placed = await placeOrder(t.api, product, 1);
    const payload = checkoutSessionEvent("checkout.session.completed", { id: placed.order.checkoutSessionId, orderId: placed.order.id, amountTotal: 1, currency: "usd" });
    const event = JSON.parse(payload) as { id: string };
    await deliver(payload);
    await processEverything();
    // The same event again behind the webhook's dedupe, straight onto the queue as SQS redelivers.
    await enqueueDirectly(payload);
    await enqueueDirectly(payload);
    await processEverything();
    expect((await record(placed)).paymentMismatches!.map((mismatch) => mismatch.source)).toEqual([event.id]);

    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await processEverything();
    expect((await record(placed)).status).toBe("CONFIRMED");
  });
});

describe("a payment that lands on an order already cancelled", () => {
  it("is refunded automatically and exactly once; the order stays cancelled and its stock stays released", async () => {
    const product = await productWithStock(7, 10);
    const placed = await placeOrder(t.api, product, 2);
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);
    await t.stack.stripe!.whenDeliveriesSettled();
    // The race: the order is cancelled (its stock back on sale) while its completion waits in the queue.
    expect((await cancelOrder(t.store, placed.order.id, "reservation_lapsed", new Date())).changed).toBe(true);
    expect(await t.stockOf(product)).toBe(10);
    await processEverything();

    const paymentIntentId = (await stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).payment_intent as string;
    const cancelled = await record(placed);
    expect(cancelled).toMatchObject({ status: "CANCELLED", cancellationReason: "reservation_lapsed", latePaymentRefund: { paymentIntentId } });
    expect(await refundsOf(paymentIntentId)).toHaveLength(1);

    // The completion again under a fresh event id (Stripe resends, or it is replayed): no second refund.
    const again = checkoutSessionEvent("checkout.session.completed", {
      id: placed.order.checkoutSessionId,
      orderId: placed.order.id,
      amountTotal: placed.order.totalCents,
      currency: "usd",
      paymentIntent: paymentIntentId,
    });
    await deliver(again);
    await enqueueDirectly(again);
    await processEverything();
    expect(await refundsOf(paymentIntentId)).toHaveLength(1);
    expect(await record(placed)).toMatchObject({ status: "CANCELLED", latePaymentRefund: cancelled.latePaymentRefund });
    expect(await t.stockOf(product)).toBe(10);
  });
});

describe("fuzzing the binding", () => {
  it("confirms an order only for the exact genuine combination of session, amount, currency, status and payment", async () => {
    const product = await productWithStock(8, 1000);
    const decoy = await placeOrder(t.api, product, 1);
    const variant = <T>(genuine: T, ...others: T[]) => fc.oneof({ arbitrary: fc.constant(genuine), weight: 3 }, { arbitrary: fc.constantFrom(...others), weight: 1 });
    const combination = fc.record({
      session: variant("own", "decoy", "unknown"),
      amount: variant("exact", "one less", "one more", "zero", "missing"),
      currency: variant("usd", "eur", "missing"),
      status: variant<"paid" | "unpaid" | "no_payment_required">("paid", "unpaid", "no_payment_required"),
      payment: variant("present", "missing"),
      type: fc.constantFrom("checkout.session.completed", "checkout.session.async_payment_succeeded"),
    });
    let genuineRuns = 0;
    await fc.assert(
      fc.asyncProperty(combination, async (c) => {
        const placed = await placeOrder(t.api, product, 1 + Math.floor(Math.random() * 3));
        const total = placed.order.totalCents;
        const amounts: Record<string, number | null> = { exact: total, "one less": total - 1, "one more": total + 1, zero: 0, missing: null };
        const sessions: Record<string, string> = { own: placed.order.checkoutSessionId, decoy: decoy.order.checkoutSessionId, unknown: "cs_test_fuzz_unknown" };
        await deliver(
          checkoutSessionEvent(c.type, {
            id: sessions[c.session]!,
            orderId: placed.order.id,
            amountTotal: amounts[c.amount]!,
            currency: c.currency === "missing" ? null : c.currency,
            paymentStatus: c.status,
            paymentIntent: c.payment === "present" ? "pi_test_fuzz" : null,
          }),
        );
        await processEverything();
        const isGenuine = c.session === "own" && c.amount === "exact" && c.currency === "usd" && c.status === "paid" && c.payment === "present";
        // A completed-but-unpaid session is a delayed payment: pending, and not a mismatch either.
        if (isGenuine) genuineRuns++;
        expect((await record(placed)).status).toBe(isGenuine ? "CONFIRMED" : "PENDING_PAYMENT");
      }),
      { numRuns: 30 },
    );
    expect((await record(decoy)).status).toBe("PENDING_PAYMENT");
    console.info(`binding fuzz: 30 combinations, ${genuineRuns} genuine`);
  });
});
