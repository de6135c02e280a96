// POST /webhooks/stripe with real signatures (the stripe SDK's test header), the idempotency table
// on DynamoDB Local and the order-events queue on the in-process SQS emulator: what is refused,
// what is ignored, and that a handled event is queued once per event id, without its URLs.
import { PurgeQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { apiEvent, bodyOf, captureOutput, lambdaContext, startHandlerHarness, WEBHOOK_SECRET, type HandlerHarness } from "../../../../test/support/handler-harness";
import { startRequestGate } from "../../../../test/support/request-gate";
import { checkoutSessionEvent, signatureHeader } from "../../../../test/support/stripe-webhook";

let h: HandlerHarness;
let out: ReturnType<typeof captureOutput>;
let webhook: (typeof import("./stripe"))["handler"];
let queueUrl: string;
beforeAll(async () => {
  h = await startHandlerHarness({ sqs: true });
  queueUrl = h.sqs!.queueUrls.OrderEventsQueue!;
  ({ handler: webhook } = await h.load(() => import("./stripe")));
});
afterAll(() => h?.stop());
beforeEach(async () => {
  await h.sqs!.client.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const deliver = (payload: string, signature: string | undefined, options: { base64?: boolean; handler?: typeof webhook } = {}) =>
  (options.handler ?? webhook)(
    apiEvent("POST /webhooks/stripe", {
      headers: { "content-type": "application/json; charset=utf-8", ...(signature ? { "stripe-signature": signature } : {}) },
      body: options.base64 ? Buffer.from(payload).toString("base64") : payload,
      isBase64Encoded: options.base64 ?? false,
    }),
    lambdaContext("stripe-webhook"),
  );
const signed = (payload: string, options: { base64?: boolean } = {}) => deliver(payload, signatureHeader(payload, WEBHOOK_SECRET), options);

/** Everything on the order-events queue now (the queue is purged before each test). */
async function queued() {
  const { Messages = [] } = await h.sqs!.client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], VisibilityTimeout: 0, WaitTimeSeconds: 0 }),
  );
  return Messages;
}

const completedEvent = (orderId = "ord_webhookunit", id?: string) =>
  checkoutSessionEvent("checkout.session.completed", { id: "cs_test_webhook", orderId, amountTotal: 1250, currency: "usd" }, id);

describe("POST /webhooks/stripe: refusals", () => {
  it("answers a missing signature with 400", async () => {
    const response = await deliver(completedEvent(), undefined);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toEqual({ code: "MISSING_SIGNATURE", message: expect.stringContaining("Stripe-Signature") });
    expect(out.metrics()).toEqual({ WebhooksRejected: 1 });
    expect(await queued()).toEqual([]);
  });

  it.each([
    ["another secret", (payload: string) => signatureHeader(payload, "whsec_someone_else")],
    ["a signature over another body", (payload: string) => signatureHeader(payload.replace("ord_", "ord_x"), WEBHOOK_SECRET)],
    ["a signature older than five minutes", (payload: string) => signatureHeader(payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 301)],
    ["garbage", () => "t=1,v1=nothex"],
  ])("answers %s with 400 INVALID_SIGNATURE and queues nothing", async (_name, sign) => {
    const payload = completedEvent();
    const response = await deliver(payload, sign(payload));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toEqual({ code: "INVALID_SIGNATURE", message: expect.stringContaining("Stripe-Signature") });
    expect(out.metrics()).toEqual({ WebhooksRejected: 1 });
    expect(out.logged("webhook signature rejected")).toEqual([expect.objectContaining({ level: "WARN" })]);
    expect(await queued()).toEqual([]);
  });

  it("accepts a signature a little under five minutes old (Stripe's tolerance, not the SDK's default)", async () => {
    const payload = completedEvent();
    const response = await deliver(payload, signatureHeader(payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 280));
    expect(response.statusCode).toBe(200);
  });

  it("answers a body over 512 KiB with 413 before verifying it, and accepts one of exactly 512 KiB", async () => {
    const limit = 512 * 1024;
    const exact = completedEvent().padEnd(limit, " ");
    const over = `${exact} `;
    const tooBig = await signed(over);
    expect(tooBig.statusCode).toBe(413);
    expect(bodyOf(tooBig).error).toEqual({ code: "PAYLOAD_TOO_LARGE", message: expect.stringContaining(String(limit)) });
    expect(out.metrics()).toEqual({ WebhooksRejected: 1 });
    expect((await signed(exact)).statusCode).toBe(200);
  });

  it.each([
    ["JSON that is not an event", JSON.stringify({ hello: "world" })],
    ["an event without an id", JSON.stringify({ ...JSON.parse(completedEvent()), id: "" })],
  ])("answers %s, correctly signed, with 400 MALFORMED_EVENT", async (_name, payload) => {
    const response = await signed(payload);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toEqual({ code: "MALFORMED_EVENT", message: expect.stringMatching(/\w/) });
    expect(out.metrics()).toEqual({ WebhooksRejected: 1 });
    expect(await queued()).toEqual([]);
  });
});

describe("POST /webhooks/stripe: events", () => {
  it("acknowledges an event type it does not handle without queueing it", async () => {
    const payload = JSON.stringify({ ...JSON.parse(completedEvent()), type: "customer.created" });
    const response = await signed(payload);
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ received: true, ignored: true });
    expect(out.metrics()).toEqual({});
    expect(out.logged("webhook ignored: event type not handled")).toEqual([expect.objectContaining({ stripeEventType: "customer.created" })]);
    expect(await queued()).toEqual([]);
  });

  it("queues a handled event once per event id, with its type and order as attributes and no URL in its body", async () => {
    const event = JSON.parse(completedEvent("ord_queuedonce"));
    event.data.object.success_url = "https://shop.example/orders/ord_queuedonce?token=secretAccessToken0123456789";
    event.data.object.url = "https://checkout.stripe.com/c/pay/cs_test_webhook";
    const payload = JSON.stringify(event);

    const first = await signed(payload);
    expect(first.statusCode).toBe(200);
    expect(bodyOf(first)).toEqual({ received: true });
    expect(out.logged("webhook accepted")).toEqual([expect.objectContaining({ stripeEventId: event.id, stripeEventType: "checkout.session.completed", orderId: "ord_queuedonce" })]);
    expect(out.logged("request")).toEqual([expect.objectContaining({ route: "POST /webhooks/stripe", orderId: "ord_queuedonce", statusCode: 200 })]);
    // Stripe retries the same event (a lost answer, say): acknowledged again, queued no more.
    expect((await signed(payload)).statusCode).toBe(200);
    expect((await signed(payload, { base64: true })).statusCode).toBe(200);

    const messages = await queued();
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(message.MessageAttributes).toEqual({
      stripeEventType: expect.objectContaining({ DataType: "String", StringValue: "checkout.session.completed" }),
      orderId: expect.objectContaining({ DataType: "String", StringValue: "ord_queuedonce" }),
    });
    expect(message.Body).not.toContain("secretAccessToken");
    expect(message.Body).not.toMatch(/https?:\/\//);
    const body = JSON.parse(message.Body!);
    delete event.data.object.success_url;
    delete event.data.object.url;
    expect(body).toEqual(event);
    expect(out.metrics()).toEqual({ WebhooksAccepted: 3 });
  });

  it("dedupes on the event id alone, for a week: a retry whose delivery fields changed is not queued again", async () => {
    // A fresh container, loaded inside the test: the idempotency settings are read when the module
    // loads, and mutation testing attributes them to the test that loads it.
    const { handler: fresh } = await h.load(() => import("./stripe"));
    const event = JSON.parse(completedEvent("ord_retried"));
    const deliverSigned = (payload: string) => deliver(payload, signatureHeader(payload, WEBHOOK_SECRET), { handler: fresh });
    expect((await deliverSigned(JSON.stringify({ ...event, pending_webhooks: 2 }))).statusCode).toBe(200);
    // Stripe's later attempt of the same event: same id, its delivery bookkeeping moved on.
    expect((await deliverSigned(JSON.stringify({ ...event, pending_webhooks: 1 }))).statusCode).toBe(200);
    expect(await queued()).toHaveLength(1);
    // The record outlives Stripe's three days of retries.
    const table = JSON.parse(h.u.handlerEnv.SST_RESOURCE_IdempotencyTable!).name as string;
    const { Items = [] } = await h.u.store.db.send(new ScanCommand({ TableName: table }));
    const expiries = Items.map((item) => Number(item.expiration) - Math.floor(Date.now() / 1000));
    expect(Math.min(...expiries)).toBeGreaterThan(7 * 24 * 3600 - 600);
    // +1: the record rounds its expiry to whole seconds independently of this clock read.
    expect(Math.max(...expiries)).toBeLessThanOrEqual(7 * 24 * 3600 + 1);
  });

  it("answers 503 while its idempotency table cannot be reached, so Stripe retries, and the retry queues the event once", async () => {
    const { handler: tableDown } = await h.load(() => import("./stripe"), { AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" });
    const payload = completedEvent("ord_tabledown");
    const refused = await deliver(payload, signatureHeader(payload, WEBHOOK_SECRET), { handler: tableDown });
    // An outage, logged as one (not as a bug), and nothing queued.
    expect(refused.statusCode).toBe(503);
    expect(bodyOf(refused).error.code).toBe("SERVICE_UNAVAILABLE");
    expect(out.logged("a dependency is failing")).toHaveLength(1);
    expect(out.logged("request failed")).toEqual([]);
    expect(await queued()).toEqual([]);
    // The failed attempt left no idempotency record behind that would drop Stripe's retry.
    expect((await signed(payload)).statusCode).toBe(200);
    expect(await queued()).toHaveLength(1);
  });

  it("queues each event id of the same session (a new event is not a retry)", async () => {
    await signed(completedEvent("ord_twoevents"));
    await signed(completedEvent("ord_twoevents"));
    expect(await queued()).toHaveLength(2);
  });

  it("accepts a base64-encoded body and queues a refund without an order attribute", async () => {
    const refund = JSON.stringify({
      id: `evt_test_refund_${Math.random().toString(36).slice(2)}`,
      object: "event",
      type: "charge.refunded",
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: "ch_1", object: "charge", amount: 1250, amount_refunded: 1250, refunded: true, payment_intent: "pi_1", receipt_url: "https://pay.stripe.com/receipts/x" } },
    });
    expect((await signed(refund, { base64: true })).statusCode).toBe(200);
    const [message] = await queued();
    expect(message?.MessageAttributes?.stripeEventType?.StringValue).toBe("charge.refunded");
    expect(message?.MessageAttributes).not.toHaveProperty("orderId");
    expect(message?.Body).not.toContain("receipt_url");
  });

  it("answers 409 EVENT_IN_PROGRESS to a delivery of an event another delivery is still recording, which queues it once", async () => {
    // DynamoDB behind a gate that holds the idempotency record's completion (its UpdateItem): the
    // first delivery has recorded the event id as in progress and queued it, and is not done yet.
    const gate = await startRequestGate(h.u.handlerEnv.AWS_ENDPOINT_URL_DYNAMODB!, (request) => String(request.headers["x-amz-target"]).endsWith(".UpdateItem"));
    try {
      const { handler: gated } = await h.load(() => import("./stripe"), { AWS_ENDPOINT_URL_DYNAMODB: gate.endpoint });
      const payload = completedEvent("ord_inprogress");
      const first = deliver(payload, signatureHeader(payload, WEBHOOK_SECRET), { handler: gated });
      await gate.held;
      const second = await deliver(payload, signatureHeader(payload, WEBHOOK_SECRET), { handler: gated });
      expect(second.statusCode).toBe(409);
      expect(bodyOf(second).error).toEqual({ code: "EVENT_IN_PROGRESS", message: expect.stringMatching(/\w/) });
      gate.release();
      expect((await first).statusCode).toBe(200);
      // Stripe's retry after the first completed: acknowledged, not queued again.
      expect((await deliver(payload, signatureHeader(payload, WEBHOOK_SECRET), { handler: gated })).statusCode).toBe(200);
      expect(await queued()).toHaveLength(1);
    } finally {
      await gate.stop();
    }
  });
});
