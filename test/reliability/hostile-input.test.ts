// Hostile input, generated: property-based fuzzing (fast-check) of every endpoint's body, query
// and path. Whatever arrives, the API never answers 5xx, every 4xx carries the JSON error shape
// and no stack trace, and a rejected request writes nothing: the orders written and the stock
// taken match exactly the requests that were accepted, and no refused webhook is enqueued.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { queueDepth } from "../support/queues";
import { checkoutSessionEvent, signatureHeader } from "../support/stripe-webhook";
import { startTestStack, TEST_WEBHOOK_SECRET, type TestStack } from "../support/test-stack";

let t: TestStack;
const casesRun: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestStack({ startPoller: false });
  for (const product of seedProducts) await t.setStock(product.id, 1_000);
});
afterAll(async () => {
  console.info(`fuzz cases run: ${JSON.stringify(casesRun)}`);
  await t?.stop();
});

const ErrorShape = z.object({ error: z.object({ code: z.string().min(1), message: z.string().min(1), details: z.unknown().optional() }).strict() }).strict();
/** API Gateway's own answer when no route matches, e.g. a path with an encoded slash. */
const GatewayNotFound = z.object({ message: z.literal("Not Found") }).strict();

interface Answer {
  status: number;
  text: string;
}

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${t.stack.urls.api}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, text: await response.text() };
}

/** The contract every answer to hostile input must keep. */
function expectWellFormed(answer: Answer, allowed: readonly number[]) {
  expect(answer.status, answer.text).toBeLessThan(500);
  expect(allowed, `status ${answer.status}: ${answer.text}`).toContain(answer.status);
  expect(answer.text).not.toMatch(/\bat .+\(.+:\d+:\d+\)|node_modules|Error:/);
  if (answer.status >= 400) {
    const json: unknown = JSON.parse(answer.text);
    const shaped = ErrorShape.safeParse(json).success || (answer.status === 404 && GatewayNotFound.safeParse(json).success);
    expect(shaped, answer.text).toBe(true);
  }
}

async function countOrders(): Promise<number> {
  const result = await t.db.send(new ScanCommand({ TableName: t.stack.tableNames.orders, Select: "COUNT", ConsistentRead: true }));
  return result.Count ?? 0;
}

async function stockLevels(): Promise<Map<string, number>> {
  const levels = new Map<string, number>();
  for (const product of seedProducts) levels.set(product.id, await t.stockOf(product.id));
  return levels;
}

const productIds = seedProducts.map((product) => product.id);
const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
const quantity = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) }, fc.integer({ min: -5, max: 15 }), fc.double(), fc.string(), fc.constant(null));
const line = fc.record(
  {
    productId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...productIds) }, fc.string(), fc.constantFrom("../etc/passwd", "<script>", "' OR 1=1 --", "a".repeat(500))),
    quantity,
    priceCents: fc.oneof(fc.integer(), fc.constant(1)),
    unitPriceCents: fc.constant(0),
  },
  { requiredKeys: [] },
);
const order = fc.record(
  {
    email: fc.oneof({ weight: 3, arbitrary: fc.emailAddress() }, fc.string(), junk),
    items: fc.oneof({ weight: 4, arbitrary: fc.array(line, { maxLength: 25 }) }, junk),
    totalCents: fc.integer(),
    currency: fc.constantFrom("usd", "jpy", "xxx"),
    __proto__: fc.constant({ admin: true }),
  },
  { requiredKeys: [] },
);
/** Well-formed orders, so the property also covers what acceptance writes (not only what refusal does not). */
const validOrder = fc.record({
  email: fc.constantFrom("shopper@example.com", "a.b+c@example.org"),
  items: fc.uniqueArray(fc.record({ productId: fc.constantFrom(...productIds), quantity: fc.integer({ min: 1, max: 3 }) }), {
    minLength: 1,
    maxLength: 3,
    selector: (item) => item.productId,
  }),
});
const orderBody = fc.oneof(
  { weight: 3, arbitrary: validOrder.map((value) => JSON.stringify(value)) },
  { weight: 6, arbitrary: order.map((value) => JSON.stringify(value)) },
  fc.json(),
  fc.string(),
  fc.constant("{".repeat(5_000)),
);
const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8", "application/vnd.api+json", "text/plain", "application/x-www-form-urlencoded", "", "APPLICATION/JSON", "application/json;;; boundary=x", "application/jsonp");

describe("fuzzed requests", () => {
  it("POST /orders: accepted orders are the only writes; everything else is a clean 4xx", async () => {
    const ordersBefore = await countOrders();
    const stockBefore = await stockLevels();
    const reserved = new Map<string, number>();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(orderBody, contentType, async (body, type) => {
        casesRun["POST /orders"] = (casesRun["POST /orders"] ?? 0) + 1;
        const answer = await send("POST", "/orders", body, type ? { "content-type": type } : {});
        expectWellFormed(answer, [201, 400, 409, 413, 415]);
        if (answer.status === 201) {
          accepted++;
          for (const item of (JSON.parse(answer.text) as { order: { items: { productId: string; quantity: number }[] } }).order.items) {
            reserved.set(item.productId, (reserved.get(item.productId) ?? 0) + item.quantity);
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
    expect(await countOrders()).toBe(ordersBefore + accepted);
    const stockAfter = await stockLevels();
    for (const id of productIds) expect(stockAfter.get(id), id).toBe(stockBefore.get(id)! - (reserved.get(id) ?? 0));
    console.info(`POST /orders fuzz: ${accepted} accepted`);
  });

  it("GET /products?…: any query is a page or a 400", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.oneof(fc.constantFrom("limit", "cursor"), fc.string()), fc.oneof(fc.string(), fc.integer().map(String), fc.base64String())), async (query) => {
        casesRun["GET /products"] = (casesRun["GET /products"] ?? 0) + 1;
        expectWellFormed(await send("GET", `/products?${new URLSearchParams(query)}`), [200, 400]);
      }),
      { numRuns: 150 },
    );
  });

  it("GET /products/{id}: any id is a product or a 404", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom(...productIds), fc.constantFrom("%00", "..", "%2e%2e%2f", "a".repeat(5_000))), async (id) => {
        casesRun["GET /products/{id}"] = (casesRun["GET /products/{id}"] ?? 0) + 1;
        expectWellFormed(await send("GET", `/products/${encodeURIComponent(id)}`), [200, 404]);
      }),
      { numRuns: 150 },
    );
  });

  it("GET /orders/{id}: without the order's own token every read is the same 404", async () => {
    const orderIdLike = fc.stringMatching(/^ord_[0-9a-z]{26}$/);
    await fc.assert(
      fc.asyncProperty(fc.oneof(orderIdLike, fc.string({ minLength: 1 })), fc.oneof(fc.string(), fc.base64String()), fc.boolean(), async (id, token, asHeader) => {
        casesRun["GET /orders/{id}"] = (casesRun["GET /orders/{id}"] ?? 0) + 1;
        const path = `/orders/${encodeURIComponent(id)}${asHeader ? "" : `?token=${encodeURIComponent(token)}`}`;
        const answer = await send("GET", path, undefined, asHeader ? { authorization: `Bearer ${token.replace(/[\r\n]/g, "")}` } : {});
        expectWellFormed(answer, [404]);
      }),
      { numRuns: 150 },
    );
  });

  it("POST /orders/{id}/cancel: without the order's own token every attempt is the same 404, and nothing changes", async () => {
    const ordersBefore = await countOrders();
    const stockBefore = await stockLevels();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.stringMatching(/^ord_[0-9a-z]{26}$/), fc.string({ minLength: 1 })), fc.oneof(fc.string(), fc.base64String()), fc.option(fc.json()), async (id, token, body) => {
        casesRun["POST /orders/{id}/cancel"] = (casesRun["POST /orders/{id}/cancel"] ?? 0) + 1;
        const headers: Record<string, string> = { authorization: `Bearer ${token.replace(/[\r\n\s]/g, "") || "x"}` };
        if (body !== null) headers["content-type"] = "application/json";
        expectWellFormed(await send("POST", `/orders/${encodeURIComponent(id)}/cancel`, body ?? undefined, headers), [404]);
      }),
      { numRuns: 150 },
    );
    expect(await countOrders()).toBe(ordersBefore);
    expect(await stockLevels()).toEqual(stockBefore);
  });

  it("POST /orders/{id}/fulfil: without the order's own token every attempt is a 4xx, and nothing changes", async () => {
    const ordersBefore = await countOrders();
    const stockBefore = await stockLevels();
    const sessionBody = fc.stringMatching(/^cs_[A-Za-z0-9_]{1,40}$/).map((sessionId) => JSON.stringify({ sessionId }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.stringMatching(/^ord_[0-9a-z]{26}$/), fc.string({ minLength: 1 })), fc.oneof(fc.string(), fc.base64String()), fc.option(fc.oneof(fc.json(), sessionBody)), async (id, token, body) => {
        casesRun["POST /orders/{id}/fulfil"] = (casesRun["POST /orders/{id}/fulfil"] ?? 0) + 1;
        const headers: Record<string, string> = { authorization: `Bearer ${token.replace(/[\r\n\s]/g, "") || "x"}` };
        if (body !== null) headers["content-type"] = "application/json";
        expectWellFormed(await send("POST", `/orders/${encodeURIComponent(id)}/fulfil`, body ?? undefined, headers), [400, 404, 413, 415]);
      }),
      { numRuns: 150 },
    );
    expect(await countOrders()).toBe(ordersBefore);
    expect(await stockLevels()).toEqual(stockBefore);
  });

  it("POST /webhooks/stripe: unsigned, forged or malformed deliveries are refused and nothing is enqueued", async () => {
    const depthBefore = await queueDepth(t);
    const payload = fc.oneof(
      fc.json(),
      fc.string(),
      fc.constantFrom("checkout.session.completed", "checkout.session.expired").map((type) => checkoutSessionEvent(type, { id: "cs_test_fuzz", orderId: "ord_00000000000000000000000000" })),
    );
    const signature = (body: string) =>
      fc.oneof(
        fc.constant(undefined),
        fc.string(),
        fc.constant(signatureHeader(body, "whsec_attacker")),
        fc.constant(signatureHeader(body, TEST_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 3_600)),
        fc.constant(`t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`),
      );
    await fc.assert(
      fc.asyncProperty(
        payload.chain((body) => fc.tuple(fc.constant(body), signature(body))),
        async ([body, stripeSignature]) => {
          casesRun["POST /webhooks/stripe"] = (casesRun["POST /webhooks/stripe"] ?? 0) + 1;
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (stripeSignature !== undefined) headers["stripe-signature"] = stripeSignature.replace(/[\r\n\u0000]/g, "");
          expectWellFormed(await send("POST", "/webhooks/stripe", body, headers), [400]);
        },
      ),
      { numRuns: 300 },
    );
    expect(await queueDepth(t)).toBe(depthBefore);
  });

  it("POST /webhooks/stripe: correctly signed bodies that are not Stripe events are refused too", async () => {
    const depthBefore = await queueDepth(t);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.object().map((o) => JSON.stringify({ ...o, object: "event" }))), async (body) => {
        casesRun["POST /webhooks/stripe (signed)"] = (casesRun["POST /webhooks/stripe (signed)"] ?? 0) + 1;
        const answer = await send("POST", "/webhooks/stripe", body, { "content-type": "application/json", "stripe-signature": signatureHeader(body, TEST_WEBHOOK_SECRET) });
        expectWellFormed(answer, [400]);
      }),
      { numRuns: 150 },
    );
    expect(await queueDepth(t)).toBe(depthBefore);
  });
});

describe("oversized bodies", () => {
  it.each([
    ["an order over 16 KiB", "/orders", 17 * 1024, "PAYLOAD_TOO_LARGE"],
    ["a webhook over 512 KiB", "/webhooks/stripe", 600 * 1024, "PAYLOAD_TOO_LARGE"],
  ])("refuses %s with 413", async (_name, path, size, code) => {
    const body = JSON.stringify({ pad: "x".repeat(size) });
    const answer = await send("POST", path, body, { "content-type": "application/json", "stripe-signature": signatureHeader(body, TEST_WEBHOOK_SECRET) });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error.code).toBe(code);
  });

  it("refuses a body over API Gateway's 10 MB at the gateway, before any handler runs", async () => {
    const answer = await send("POST", "/orders", "x".repeat(10 * 1024 * 1024 + 1), { "content-type": "application/json" });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ message: "Request Entity Too Large" });
  });
});
