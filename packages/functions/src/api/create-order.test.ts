// POST /orders as API Gateway invokes it: the function's own settings read at cold start, the
// order written to DynamoDB Local with its stock reserved, the Checkout Session opened on the
// Stripe simulator through the real SDK, and what each refusal answers and counts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { apiEvent, bodyOf, captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { startTestIssuer } from "../../../../test/support/token-signer";
import { testProduct } from "../../../../test/support/unit-store";

let h: HandlerHarness;
let out: ReturnType<typeof captureOutput>;
beforeAll(async () => {
  h = await startHandlerHarness();
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const STOREFRONT = "https://shop.unit.test";

async function loadCreateOrder(env: Record<string, string> = {}) {
  const { handler } = await h.load(() => import("./create-order"), { STOREFRONT_URL: `${STOREFRONT}/`, ...env });
  return (body: unknown, request: { sourceIp?: string; headers?: Record<string, string> } = {}) =>
    handler(
      apiEvent("POST /orders", {
        body: typeof body === "string" ? body : JSON.stringify(body),
        headers: request.headers ?? { "content-type": "application/json" },
        ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
      }),
      lambdaContext("create-order"),
    );
}

async function product(stock = 5, priceCents = 1250) {
  const p = testProduct({ stock, priceCents });
  await h.u.putProduct(p);
  return p;
}

describe("POST /orders", () => {
  it("prices from the catalog, reserves stock, opens a session returning to the storefront, and answers 201", async () => {
    const mug = await product(5, 1250);
    const cap = await product(3, 990);
    const before = Math.floor(Date.now() / 1000);
    const createOrder = await loadCreateOrder({ ORDER_RESERVATION_MINUTES: "40" });

    const response = await createOrder({ email: "shopper@example.com", items: [{ productId: mug.id, quantity: 2 }, { productId: cap.id, quantity: 1 }] });

    expect(response.statusCode).toBe(201);
    const placed = bodyOf(response);
    expect(response.headers).toMatchObject({ location: `/orders/${placed.order.id}`, "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    expect(placed.order).toMatchObject({ status: "PENDING_PAYMENT", totalCents: 2 * 1250 + 990, currency: "usd" });
    expect(placed.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await h.u.stockOf(mug.id)).toBe(3);
    expect(await h.u.stockOf(cap.id)).toBe(2);

    const stored = await h.u.orderRecord(placed.order.id);
    expect(stored).toMatchObject({ status: "PENDING_PAYMENT", totalCents: 3490, email: "shopper@example.com" });
    // ORDER_RESERVATION_MINUTES reaches the order: 40 minutes from the request.
    expect(Number(stored!.expiresAt)).toBeGreaterThanOrEqual(before + 40 * 60);
    expect(Number(stored!.expiresAt)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 40 * 60);

    const session = await h.stripe.checkout.sessions.retrieve(String(stored!.checkoutSessionId));
    expect(placed.checkoutUrl).toBe(session.url);
    expect(session.amount_total).toBe(3490);
    // The storefront URL without its trailing slash; no access token in either URL.
    expect(session.success_url).toBe(`${STOREFRONT}/orders/${encodeURIComponent(placed.order.id)}?session_id={CHECKOUT_SESSION_ID}`);
    expect(session.cancel_url).toBe(`${STOREFRONT}/cart?cancelled=${encodeURIComponent(placed.order.id)}`);

    expect(out.metrics()).toEqual({ OrdersCreated: 1 });
    expect(out.logged("order created")).toEqual([expect.objectContaining({ orderId: placed.order.id, totalCents: 3490, lines: 2 })]);
    expect(out.logged("request")).toEqual([expect.objectContaining({ level: "INFO", statusCode: 201, method: "POST", path: "/orders", route: "POST /orders" })]);
  });

  it("refuses more than the stock with 409, reserving nothing", async () => {
    const mug = await product(1);
    const createOrder = await loadCreateOrder();
    const response = await createOrder({ email: "shopper@example.com", items: [{ productId: mug.id, quantity: 2 }] });
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error.code).toBe("OUT_OF_STOCK");
    expect(await h.u.stockOf(mug.id)).toBe(1);
    expect(out.metrics()).toEqual({ OrdersRejectedOutOfStock: 1 });
  });

  it.each([
    ["a schema violation", { email: "not-an-email", items: [] }, undefined, 400, "VALIDATION_FAILED"],
    ["broken JSON", "{", undefined, 400, "INVALID_JSON"],
    ["a body that is not JSON", "email=a", { "content-type": "application/x-www-form-urlencoded" }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    ["a body over 16 KiB", JSON.stringify({ email: "a@example.com", items: [], pad: "x".repeat(16 * 1024) }), undefined, 413, "PAYLOAD_TOO_LARGE"],
  ])("answers %s with a 4xx and counts it as invalid", async (_name, body, headers, status, code) => {
    const createOrder = await loadCreateOrder();
    const response = await createOrder(body, headers ? { headers } : {});
    expect(response.statusCode).toBe(status);
    expect(bodyOf(response).error.code).toBe(code);
    expect(out.metrics()).toEqual({ OrdersRejectedInvalid: 1 });
  });

  it("accepts a body of 16 KiB", async () => {
    const mug = await product(5);
    const createOrder = await loadCreateOrder();
    const cart = { email: "shopper@example.com", items: [{ productId: mug.id, quantity: 1 }] };
    const padded = JSON.stringify(cart).padEnd(16 * 1024, " ");
    expect((await createOrder(padded)).statusCode).toBe(201);
  });

  it("refuses a domain-level invalid cart (unknown product) as invalid, not as a failure", async () => {
    const createOrder = await loadCreateOrder();
    const response = await createOrder({ email: "shopper@example.com", items: [{ productId: "no-such-product", quantity: 1 }] });
    expect(response.statusCode).toBe(400);
    expect(out.metrics()).toEqual({ OrdersRejectedInvalid: 1 });
  });

  it("rate-limits per client before reading the body, an IPv6 client by its /64", async () => {
    const mug = await product(10);
    const createOrder = await loadCreateOrder({ ORDER_RATE_LIMIT: "1/3600s" });
    const cart = { email: "shopper@example.com", items: [{ productId: mug.id, quantity: 1 }] };

    expect((await createOrder(cart, { sourceIp: "2001:db8:1:2::1" })).statusCode).toBe(201);
    // Another address in the same /64, even with a broken body: the limit comes first.
    const limited = await createOrder("{", { sourceIp: "2001:db8:1:2::ffff" });
    expect(limited.statusCode).toBe(429);
    expect(bodyOf(limited).error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers!["retry-after"])).toBeGreaterThanOrEqual(1);
    // Another /64 and another IPv4 client each have their own allowance.
    expect((await createOrder(cart, { sourceIp: "2001:db8:1:3::1" })).statusCode).toBe(201);
    expect((await createOrder(cart, { sourceIp: "198.51.100.1" })).statusCode).toBe(201);
    expect(out.metrics()).toEqual({ OrdersCreated: 3, OrdersRateLimited: 1 });
    expect(await h.u.stockOf(mug.id)).toBe(7);
  });

  it("records a signed-in customer on their order and rate-limits them by customer, not by the storefront server's address", async () => {
    const issuer = await startTestIssuer();
    try {
      const mug = await product(10);
      const createOrder = await loadCreateOrder({ ORDER_RATE_LIMIT: "1/3600s", AUTH_ISSUER_URL: issuer.url });
      const ada = { customerId: "cus_000000000000000000000000ad", email: "ada@example.com", roles: ["customer"] };
      const bob = { customerId: "cus_000000000000000000000000bo", email: "bob@example.com", roles: ["customer"] };
      // Every signed-in order arrives from the storefront's server: one address for everyone.
      const asCustomer = async (who: typeof ada) =>
        createOrder(
          { email: who.email, items: [{ productId: mug.id, quantity: 1 }] },
          { sourceIp: "10.0.0.1", headers: { "content-type": "application/json", authorization: `Bearer ${await issuer.sign(who)}` } },
        );

      const adas = await asCustomer(ada);
      expect(adas.statusCode).toBe(201);
      const orderId = bodyOf(adas).order.id as string;
      expect(await h.u.orderRecord(orderId)).toMatchObject({ customerId: ada.customerId, email: ada.email });
      expect(out.logged("order created")).toEqual([expect.objectContaining({ customerId: ada.customerId, orderId })]);
      expect((await asCustomer(bob)).statusCode).toBe(201);
      expect((await asCustomer(ada)).statusCode).toBe(429);
      // A guest from that address has its own allowance too, and its order names no customer.
      const guest = await createOrder({ email: "guest@example.com", items: [{ productId: mug.id, quantity: 1 }] }, { sourceIp: "10.0.0.1" });
      expect(guest.statusCode).toBe(201);
      expect(await h.u.orderRecord(bodyOf(guest).order.id)).not.toHaveProperty("customerId");
      expect(out.metrics()).toEqual({ OrdersCreated: 3, OrdersRateLimited: 1 });
    } finally {
      await issuer.stop();
    }
  });

  it("applies no rate limit when ORDER_RATE_LIMIT is unset", async () => {
    const mug = await product(10);
    const createOrder = await loadCreateOrder();
    const cart = { email: "shopper@example.com", items: [{ productId: mug.id, quantity: 1 }] };
    for (let i = 0; i < 3; i++) expect((await createOrder(cart, { sourceIp: "198.51.100.2" })).statusCode).toBe(201);
  });

  it("refuses an email past its hold limit with 429 and keeps the stock", async () => {
    const mug = await product(10);
    const createOrder = await loadCreateOrder({ ORDER_HOLDS_PER_EMAIL: "orders=1,units=10,perProduct=10" });
    const cart = { email: "holder@example.com", items: [{ productId: mug.id, quantity: 1 }] };
    expect((await createOrder(cart)).statusCode).toBe(201);
    const refused = await createOrder(cart, { sourceIp: "198.51.100.3" });
    expect(refused.statusCode).toBe(429);
    expect(bodyOf(refused).error.code).toBe("HOLD_LIMIT_REACHED");
    expect(await h.u.stockOf(mug.id)).toBe(9);
    expect(out.metrics()).toEqual({ OrdersCreated: 1, OrdersRejectedHoldLimit: 1 });
  });

  it("answers 503 when Stripe is down, releases the reservation and counts a failure", async () => {
    const mug = await product(4);
    const createOrder = await loadCreateOrder();
    h.simulator.injectFault({ method: "POST", path: "/v1/checkout/sessions", kind: "error", status: 500, type: "api_error", message: "down" });
    try {
      const response = await createOrder({ email: "shopper@example.com", items: [{ productId: mug.id, quantity: 2 }] });
      expect(response.statusCode).toBe(503);
      expect(bodyOf(response).error.code).toBe("PAYMENT_PROVIDER_UNAVAILABLE");
      expect(await h.u.stockOf(mug.id)).toBe(4);
      expect(out.metrics()).toEqual({ OrdersFailed: 1 });
    } finally {
      h.simulator.clearFaults();
    }
  });
});
