// The operator console's API on the local stack, with tokens from a stand-in issuer: every
// `/admin` route (read from the route table, so a new one cannot be left out) refuses an anonymous
// caller (401) and a customer (403) and lets an operator through; a refund sent twice at once is
// one Stripe refund, and the full refund makes the order REFUNDED through the webhook; an operator
// cancel takes the shopper's path; every action is in the audit log. (Dead letters:
// admin-dead-letters.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventConsumers, queues, routes } from "@shopwave/infra/topology";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { waitFor } from "../support/api-client";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { untilEventsProcessed, untilOrderEventsConsumed } from "../support/queues";
import { orderStatus, placeOrder, startTestStack, TEST_STRIPE_KEY, type TestStack } from "../support/test-stack";
import { startTestIssuer, type TestIssuer } from "../support/token-signer";

let t: TestStack;
let issuer: TestIssuer;
let operatorToken: string;
let customerToken: string;
const operator = { customerId: "cus_0000000000000000000000oper", email: "ops@shop.example", roles: ["customer", "operator"] };

beforeAll(async () => {
  issuer = await startTestIssuer();
  t = await startTestStack({ handlerEnv: { AUTH_ISSUER_URL: issuer.url } });
  operatorToken = await issuer.sign(operator);
  customerToken = await issuer.sign({ customerId: "cus_0000000000000000000000cust", email: "shopper@example.com", roles: ["customer"] });
});
afterAll(async () => {
  await t?.stop();
  await issuer?.stop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const adminRoutes = routes.filter((route) => "operatorOnly" in route);
/** A concrete request for a route: path parameters filled in, an empty JSON body for a POST. */
const call = (route: (typeof adminRoutes)[number], headers: Record<string, string>) => {
  const path = route.path.replace("{id}", route.path.startsWith("/admin/products") ? "no-such-product" : "ord_00000000000000000000000000").replace("{queue}", "OrderEventsDlq").replace("{messageId}", "no-such-message");
  return route.method === "GET" ? t.api.get(path, headers) : t.api.post(path, {}, headers);
};

describe("every /admin route", () => {
  it("is operator-only in the route table, and there is no other", () => {
    expect(adminRoutes.length).toBeGreaterThanOrEqual(14);
    expect(routes.filter((route) => route.path.startsWith("/admin")).length).toBe(adminRoutes.length);
  });

  for (const route of adminRoutes) {
    it(`${route.method} ${route.path}: 401 anonymous, 401 forged, 403 customer, not refused for an operator`, async () => {
      const anonymous = await call(route, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe("UNAUTHENTICATED");
      const forged = await call(route, bearer(await issuer.sign(operator, { unpublishedKey: true })));
      expect(forged.status).toBe(401);
      const customer = await call(route, bearer(customerToken));
      expect(customer.status).toBe(403);
      expect(customer.body.error.code).toBe("FORBIDDEN");
      const allowed = await call(route, bearer(operatorToken));
      expect([401, 403]).not.toContain(allowed.status);
      expect(allowed.status).toBeLessThan(500);
    });
  }
});

describe("stock", () => {
  it("restocks a sold-out product once per request, never below what unpaid orders hold, and the shop shows it", async () => {
    const product = seedProducts[8]!;
    await t.setStock(product.id, 1);
    const held = await placeOrder(t.api, product.id, 1);
    expect((await t.api.get(`/products/${product.id}`)).body.stock).toBe(0);
    const levels = await t.api.get(`/admin/products/${product.id}/stock`, bearer(operatorToken));
    expect(levels.body).toMatchObject({ available: 0, reserved: 1 });

    const below = await t.api.post(`/admin/products/${product.id}/stock`, { requestId: "req_stock_below_0001", change: { set: 0 }, reason: "count" }, bearer(operatorToken));
    expect(below.status).toBe(409);
    expect(below.body.error.code).toBe("STOCK_ADJUSTMENT_REFUSED");

    const restock = { requestId: "req_stock_restock_01", change: { add: 10 }, reason: "Delivery from Harbor & Pine" };
    const answers = await Promise.all([0, 1].map(() => t.api.post(`/admin/products/${product.id}/stock`, restock, bearer(operatorToken))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 201]);
    expect((await t.api.get(`/products/${product.id}`)).body.stock).toBe(10);
    expect((await t.api.get(`/admin/products/${product.id}/stock`, bearer(operatorToken))).body).toMatchObject({ available: 10, reserved: 1 });
    const audit = await t.api.get(`/admin/audit?target=${encodeURIComponent(`product:${product.id}`)}`, bearer(operatorToken));
    expect(audit.body.entries.map((entry: { result: string; before: unknown; after: unknown }) => [entry.result, entry.before, entry.after])).toEqual([
      ["succeeded", { available: 0, reserved: 1 }, { available: 10, reserved: 1, change: { add: 10 } }],
      ["failed", { available: 0, reserved: 1 }, { change: { set: 0 } }],
    ]);
    expect(held.order.status).toBe("PENDING_PAYMENT");

    // The live sale view lists every product with its stock and counters, and the depth of every
    // declared DLQ: the work queues' and the order-event consumers'.
    const sales = await t.api.get("/admin/sales?minutes=5", bearer(operatorToken));
    expect(sales.status).toBe(200);
    expect(sales.body.products.map((p: { productId: string }) => p.productId).sort()).toEqual(seedProducts.map((p) => p.id).sort());
    expect(sales.body.products.find((p: { productId: string }) => p.productId === product.id)).toMatchObject({ stock: 10, total: expect.any(Object) });
    const declaredDlqs = [...Object.values(queues), ...Object.values(eventConsumers)].map((queue) => queue.deadLetter.resource);
    expect(sales.body.deadLetters.map((dlq: { resource: string }) => dlq.resource).sort()).toEqual(declaredDlqs.sort());
    expect(sales.body.deadLetters).toEqual(declaredDlqs.map(() => expect.objectContaining({ depth: expect.any(Number), inFlight: expect.any(Number) })));
    expect((await t.api.get("/admin/sales?minutes=0", bearer(operatorToken))).status).toBe(400);
  });
});

describe("refunds", () => {
  it("refunds once under a double submit, and a full refund makes the order REFUNDED through the webhook", async () => {
    const placed = await placeOrder(t.api, seedProducts[2]!.id, 2);
    await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242");
    await waitFor("the order confirmed", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined));

    const partial = { requestId: "req_double_click_0001", amountCents: 100, reason: "requested_by_customer", note: "One item scratched" };
    const answers = await Promise.all([0, 1, 2].map(() => t.api.post(`/admin/orders/${placed.order.id}/refunds`, partial, bearer(operatorToken))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((answer) => answer.body.refund.refundId)).size).toBe(1);

    const detail = await t.api.get(`/admin/orders/${placed.order.id}`, bearer(operatorToken));
    expect(detail.status).toBe(200);
    expect(detail.body.stripe.payment).toMatchObject({ status: "succeeded", amount: placed.order.totalCents });
    expect(detail.body.order).toMatchObject({ status: "CONFIRMED", refundedCents: 100, refunds: [expect.objectContaining({ amountCents: 100, operatorId: operator.customerId })] });

    // A partial refund leaves it confirmed; the rest refunds it in full.
    await untilEventsProcessed(t);
    expect(await orderStatus(t.api, placed.order.id, placed.accessToken)).toBe("CONFIRMED");
    // Stripe refunds the rest only if it refunded 100 once: a second 100 would make this too much.
    const rest = await t.api.post(`/admin/orders/${placed.order.id}/refunds`, { requestId: "req_the_rest_000001", reason: "requested_by_customer", note: "Returned" }, bearer(operatorToken));
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ remainingCents: 0, refund: { amountCents: placed.order.totalCents - 100 } });
    await waitFor("the order refunded", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "REFUNDED" ? true : undefined));

    const more = await t.api.post(`/admin/orders/${placed.order.id}/refunds`, { requestId: "req_too_much_000001", reason: "duplicate", note: "again" }, bearer(operatorToken));
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe("ORDER_NOT_REFUNDABLE");

    // The order's detail carries its event timeline, as the timeline consumer recorded it.
    await untilOrderEventsConsumed(t);
    const history = await t.api.get(`/admin/orders/${placed.order.id}`, bearer(operatorToken));
    expect(history.body.timeline.map((entry: { kind: string }) => entry.kind)).toEqual(expect.arrayContaining(["placed", "payment_received", "confirmed", "refunded"]));
    expect(history.body.timeline.map((entry: { at: string }) => entry.at)).toEqual(history.body.timeline.map((entry: { at: string }) => entry.at).sort());

    const audit = await t.api.get(`/admin/audit?target=${encodeURIComponent(`order:${placed.order.id}`)}`, bearer(operatorToken));
    expect(audit.body.entries.map((entry: { action: string; result: string; operatorId: string }) => [entry.action, entry.result, entry.operatorId])).toEqual([
      ["order.refund", "succeeded", operator.customerId],
      ["order.refund", "succeeded", operator.customerId],
    ]);
  });

  it("shows a partial refund made in the Stripe Dashboard on the order, and refunds only what is left", async () => {
    const placed = await placeOrder(t.api, seedProducts[2]!.id, 1);
    await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242");
    await waitFor("the order confirmed", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "CONFIRMED" ? true : undefined));
    const detail = async () => (await t.api.get(`/admin/orders/${placed.order.id}`, bearer(operatorToken))).body.order;
    const paymentIntentId = (await detail()).paymentIntentId as string;
    // Outside the console: Stripe's API, as the Dashboard calls it; its charge.refunded (in part) comes through the webhook.
    const stripe = createStripeClient(TEST_STRIPE_KEY, t.stack.urls.stripe!);
    await stripe.refunds.create({ payment_intent: paymentIntentId, amount: 250 });
    await untilEventsProcessed(t);
    expect(await detail()).toMatchObject({ status: "CONFIRMED", refundedCents: 250, providerRefundedCents: 250 });

    const rest = await t.api.post(`/admin/orders/${placed.order.id}/refunds`, { requestId: "req_after_dashboard_1", reason: "requested_by_customer", note: "The rest" }, bearer(operatorToken));
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ remainingCents: 0, refund: { amountCents: placed.order.totalCents - 250 } });
    await waitFor("the order refunded", async () => ((await orderStatus(t.api, placed.order.id, placed.accessToken)) === "REFUNDED" ? true : undefined));
  });

  it("finds orders by status, by id and by email from the indexes", async () => {
    const placed = await placeOrder(t.api, seedProducts[3]!.id);
    const listed = await t.api.get("/admin/orders?status=PENDING_PAYMENT&limit=100", bearer(operatorToken));
    expect(listed.status).toBe(200);
    expect(listed.body.orders.map((order: { id: string }) => order.id)).toContain(placed.order.id);
    expect(listed.body.orders[0]).not.toHaveProperty("accessTokenHash");
    const byId = await t.api.get(`/admin/orders?id=${placed.order.id}`, bearer(operatorToken));
    expect(byId.body.orders.map((order: { id: string }) => order.id)).toEqual([placed.order.id]);
    expect((await t.api.get("/admin/orders?status=SHIPPED", bearer(operatorToken))).status).toBe(400);
    // By email, however the shopper typed it (the byEmail index holds it normalized).
    const theirs = await placeOrder(t.api, seedProducts[3]!.id, 1, "Find.Me@Example.com");
    const byEmail = await t.api.get(`/admin/orders?email=${encodeURIComponent("find.me@example.COM")}`, bearer(operatorToken));
    expect(byEmail.body.orders.map((order: { id: string }) => order.id)).toEqual([theirs.order.id]);
  });

  it("cancels a pending order through the shopper's path and gives its stock back", async () => {
    const product = seedProducts[4]!;
    const before = await t.stockOf(product.id);
    const placed = await placeOrder(t.api, product.id, 2);
    expect(await t.stockOf(product.id)).toBe(before - 2);
    const cancelled = await t.api.post(`/admin/orders/${placed.order.id}/cancel`, { note: "Customer called" }, bearer(operatorToken));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "CANCELLED", cancellationReason: "cancelled_by_operator" });
    expect(await t.stockOf(product.id)).toBe(before);
  });
});

describe("the live sale view", () => {
  it("counts orders placed, confirmed and cancelled, units sold and revenue, once each, beside every queue's depth", async () => {
    // The widest window (the whole run fits in it): a minute cannot leave it between the two reads.
    const read = async () => {
      const answer = await t.api.get("/admin/sales?minutes=120", bearer(operatorToken));
      expect(answer.status).toBe(200);
      return answer.body as {
        orders: { total: Record<string, number>; minutes: Record<string, number>[] };
        products: { productId: string; total: { unitsSold: number; revenueCents: number } }[];
        queues: { resource: string; depth: number; inFlight: number }[];
      };
    };
    const inWindow = (snapshot: Awaited<ReturnType<typeof read>>, field: string) => snapshot.orders.minutes.reduce((sum, minute) => sum + minute[field]!, 0);
    const product = seedProducts[5]!;
    const sold = (snapshot: Awaited<ReturnType<typeof read>>) => snapshot.products.find((p) => p.productId === product.id)!.total;
    await untilOrderEventsConsumed(t);
    const before = await read();

    const paid = await placeOrder(t.api, product.id, 2);
    await payOnCheckoutPage(paid.checkoutUrl, "4242424242424242");
    await waitFor("the order confirmed", async () => ((await orderStatus(t.api, paid.order.id, paid.accessToken)) === "CONFIRMED" ? true : undefined));
    const dropped = await placeOrder(t.api, product.id, 1);
    const cancelled = await t.api.raw("POST", `/orders/${dropped.order.id}/cancel`, { headers: { authorization: `Bearer ${dropped.accessToken}` } });
    expect(cancelled.status).toBe(200);
    await untilOrderEventsConsumed(t);
    const after = await read();

    expect(after.orders.total).toEqual({
      placed: before.orders.total.placed! + 2,
      confirmed: before.orders.total.confirmed! + 1,
      cancelled: before.orders.total.cancelled! + 1,
      refunded: before.orders.total.refunded,
    });
    for (const [field, added] of [["placed", 2], ["confirmed", 1], ["cancelled", 1]] as const) expect(inWindow(after, field) - inWindow(before, field), field).toBe(added);
    expect(sold(after)).toMatchObject({ unitsSold: sold(before).unitsSold + 2, revenueCents: sold(before).revenueCents + 2 * product.priceCents });
    // Every consumer's queue (the worker's and each order event consumer's), drained by now.
    const sources = [...Object.values(queues), ...Object.values(eventConsumers)].map((queue) => queue.resource);
    expect(after.queues.map((queue) => queue.resource).sort()).toEqual(sources.sort());
    expect(after.queues).toEqual(sources.map(() => expect.objectContaining({ depth: 0, inFlight: expect.any(Number) })));
  });
});
