// The order-email consumer on SQS batches as Lambda delivers them, against DynamoDB Local (orders,
// timeline, idempotency claims) and the local SES: one receipt whose link opens the order, one
// cancellation naming its reason, and exactly one email per event however the event is
// redelivered, duplicated within a batch or delivered concurrently (a delivery finding the send in
// progress is deferred, not counted as a failure); the claim, keyed by the event id, outlives every
// redelivery; an SES failure is retried into one email; nothing logged carries the link's token.
import { randomUUID } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { cancellationReasonText } from "@shopwave/core/order-events/order-emails";
import { orderEventId, type OrderEvent } from "@shopwave/core/order-events/order-event";
import { readTimeline } from "@shopwave/core/order-events/order-timeline";
import { readOrder } from "@shopwave/core/orders/read-order";
import { tables } from "@shopwave/infra/topology";
import { captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { readEmails } from "../../../../test/support/inbox";
import { envelopeOf, sqsRecordOf } from "../../../../test/support/order-event-messages";
import { startRequestGate } from "../../../../test/support/request-gate";
import { pendingOrderRecord, testProduct } from "../../../../test/support/unit-store";

const sesEndpoint = inject("sesEndpoint");
const STOREFRONT = "http://shop.unit.test";
const env = { AWS_ENDPOINT_URL_SESV2: sesEndpoint, STOREFRONT_URL: STOREFRONT, SST_RESOURCE_Email: JSON.stringify({ sender: "orders@shopwave.test", type: "sst.aws.Email" }) };

let h: HandlerHarness;
let out: ReturnType<typeof captureOutput>;
let consumer: (typeof import("./order-email"))["handler"];
beforeAll(async () => {
  h = await startHandlerHarness();
  ({ handler: consumer } = await h.load(() => import("./order-email"), env));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

/** The event as the bus's rule delivers it to the consumer's queue. */
const record = (event: OrderEvent, receiveCount = 1): SQSRecord => sqsRecordOf(envelopeOf(event), receiveCount);
const run = (records: SQSRecord[], handler = consumer) => handler({ Records: records } satisfies SQSEvent, lambdaContext("order-email"));

/** An order on the table (links are issued for stored orders only) and an event about it, to its own address. */
async function orderEvent<T extends OrderEvent["type"]>(type: T, extra: Record<string, unknown> = {}) {
  const product = testProduct({ name: "Enamel Camp Mug", priceCents: 1800 });
  const { record: order, token } = pendingOrderRecord(h.u.store, { lines: [{ product, quantity: 2 }], expiresAt: Math.floor(Date.now() / 1000) + 1800 });
  const email = `shopper-${randomUUID().slice(0, 8)}@example.com`;
  await h.u.putOrder({ ...order, email });
  const event = {
    id: orderEventId(order.id, type),
    version: 1,
    type,
    occurredAt: new Date().toISOString(),
    orderId: order.id,
    email,
    items: order.items,
    totalCents: order.totalCents,
    currency: order.currency,
    ...extra,
  } as OrderEvent;
  return { event, order, token, email };
}

const confirmedExtra = { paymentIntentId: "pi_unit", checkoutSessionId: "cs_test_unit" };
const tokenIn = (text: string) => /#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
const DAY_SECONDS = 24 * 60 * 60;

/**
 * The local SES behind a gate that holds every SendEmail until released: a delivery that has
 * claimed the event and is sending its mail, not done yet.
 */
const startSesGate = () => startRequestGate(sesEndpoint, (request) => String(request.url).includes("/outbound-emails"));

/** The idempotency records (the claims) on this file's table. */
async function claims(): Promise<Record<string, any>[]> {
  const tableName = (JSON.parse(h.u.handlerEnv[`SST_RESOURCE_${tables.idempotency.resource}`]!) as { name: string }).name;
  return (await h.u.store.db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
}

describe("the receipt", () => {
  it("emails one receipt with the total and a link that opens the order, and records it on the timeline", async () => {
    const { event, order, email } = await orderEvent("OrderConfirmed", confirmedExtra);
    const response = await run([record(event)]);
    expect(response.batchItemFailures).toEqual([]);

    const mails = await readEmails(sesEndpoint, { to: email });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: "orders@shopwave.test", subject: `Your receipt for order ${order.id}` });
    expect(mails[0]!.text).toContain("Total: $36.00");
    const link = new URL(/View your order: (\S+)/.exec(mails[0]!.text)![1]!);
    expect(`${link.origin}${link.pathname}`).toBe(`${STOREFRONT}/orders/${order.id}`);
    const token = tokenIn(mails[0]!.text)!;
    expect((await readOrder(h.u.store, order.id, token)).id).toBe(order.id);

    expect(await readTimeline(h.u.store, order.id)).toEqual([{ kind: "email_sent", at: expect.any(String), detail: { email: "receipt" } }]);
    expect(out.metrics()).toEqual({ OrderEmailsSent: 1 });
    expect(out.logged("order email sent")).toEqual([expect.objectContaining({ orderId: order.id, orderEventId: event.id, email: "receipt" })]);
    // The link's token is in the mail and nowhere else.
    expect(JSON.stringify(out.printed)).not.toContain(token);
    expect(JSON.stringify(out.printed)).not.toContain("#token=");
  });
});

describe("the other emails", () => {
  it("names the cancellation's reason in words", async () => {
    const { event, email } = await orderEvent("OrderCancelled", { reason: "async_payment_failed" });
    expect((await run([record(event)])).batchItemFailures).toEqual([]);
    const mails = await readEmails(sesEndpoint, { to: email });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`Why: ${cancellationReasonText.async_payment_failed}`);
  });

  it("says the refund", async () => {
    const { event, email, order } = await orderEvent("OrderRefunded", { paymentIntentId: "pi_unit" });
    expect((await run([record(event)])).batchItemFailures).toEqual([]);
    expect((await readEmails(sesEndpoint, { to: email })).map((mail) => mail.subject)).toEqual([`Your refund for order ${order.id}`]);
    expect(await readTimeline(h.u.store, order.id)).toEqual([expect.objectContaining({ kind: "email_sent", detail: { email: "refund" } })]);
  });

  it("sends nothing for OrderPlaced, and issues no link", async () => {
    const { event, email, order } = await orderEvent("OrderPlaced");
    expect((await run([record(event)])).batchItemFailures).toEqual([]);
    expect(await readEmails(sesEndpoint, { to: email })).toEqual([]);
    expect((await h.u.orderRecord(order.id))?.linkTokenHashes).toBeUndefined();
    // Seen and deliberately not mailed, as the log says.
    expect(out.logged("order event sends no email")).toEqual([expect.objectContaining({ orderId: order.id, orderEventId: event.id })]);
  });
});

describe("exactly one email per event", () => {
  it("sends once when the event is redelivered, duplicated in a batch and delivered concurrently", async () => {
    const { event, email, order } = await orderEvent("OrderConfirmed", confirmedExtra);
    // Concurrent: three invocations at once, one holding the event twice.
    const first = await Promise.all([run([record(event), record(event)]), run([record(event)]), run([record(event)])]);
    const failed = first.flatMap((response) => response.batchItemFailures);
    // The deliveries that found the claim held fail and are redelivered later, as SQS would.
    const later = await run(failed.map(() => record(event, 2)));
    expect(later.batchItemFailures).toEqual([]);
    // And once more, long after.
    expect((await run([record(event, 3)])).batchItemFailures).toEqual([]);

    expect(await readEmails(sesEndpoint, { to: email })).toHaveLength(1);
    expect(await readTimeline(h.u.store, order.id)).toHaveLength(1);
    expect(out.metrics().OrderEmailsSent).toBe(1);
    expect(out.metrics().OrderEmailsDuplicate).toBeGreaterThanOrEqual(2);
  });

  it("hands a delivery that finds the email being sent by another back for retry, as deferred, not as a failure", async () => {
    const { event, email, order } = await orderEvent("OrderConfirmed", confirmedExtra);
    const ses = await startSesGate();
    try {
      const { handler: gated } = await h.load(() => import("./order-email"), { ...env, AWS_ENDPOINT_URL_SESV2: ses.endpoint });
      const first = run([record(event)], gated);
      await ses.held;
      // The first delivery holds the claim and is sending. A second delivery of the event comes,
      // in a batch with a poison message.
      const twin = record(event);
      const poison = { ...record(event), body: JSON.stringify({ source: "shopwave.orders", "detail-type": "OrderConfirmed", detail: { id: "x" } }) };
      const second = await run([twin, poison]);
      expect(second.batchItemFailures).toHaveLength(2);
      expect(second.batchItemFailures).toEqual(expect.arrayContaining([{ itemIdentifier: twin.messageId }, { itemIdentifier: poison.messageId }]));
      // Waiting for its twin is not a failure: only the poison message counts on the alarm's metric.
      expect(out.metrics()).toEqual({ OrderEmailsDeferred: 1, OrderEmailFailures: 1 });
      expect(out.logged("order email being sent by another delivery: retried later")).toEqual([
        expect.objectContaining({ orderId: order.id, orderEventId: event.id, messageId: twin.messageId }),
      ]);
      expect(out.logged("some order emails failed and will be retried")).toEqual([expect.objectContaining({ level: "WARN", failed: [poison.messageId] })]);

      out.clear();
      ses.release();
      expect((await first).batchItemFailures).toEqual([]);
      expect(out.metrics()).toEqual({ OrderEmailsSent: 1 });
      // The twin's retry after the visibility timeout: the mail is sent, so nothing more.
      out.clear();
      expect((await run([record(event, 2)])).batchItemFailures).toEqual([]);
      expect(out.metrics()).toEqual({ OrderEmailsDuplicate: 1 });
      expect(out.logged("order email already sent")).toEqual([expect.objectContaining({ orderEventId: event.id, email: "receipt" })]);
      expect(await readEmails(sesEndpoint, { to: email })).toHaveLength(1);
    } finally {
      await ses.stop();
    }
  });

  it("keeps the claim past every redelivery (bus retries for a day, the queue and its DLQ keep a message 14 days each)", async () => {
    const { event, email } = await orderEvent("OrderConfirmed", confirmedExtra);
    // The claim's settings are made at module load: a cold start's.
    const { handler: cold } = await h.load(() => import("./order-email"), env);
    expect((await run([record(event)], cold)).batchItemFailures).toEqual([]);
    const [mail] = await readEmails(sesEndpoint, { to: email });
    const claim = (await claims()).find((item) => item.data?.messageId === mail!.messageId);
    expect(claim).toMatchObject({ status: "COMPLETED" });
    // The table's TTL attribute: DynamoDB deletes the claim once that time has passed.
    const expiresAt = Number(claim![tables.idempotency.ttlAttribute]);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + (1 + 14 + 14) * DAY_SECONDS);
  });

  it("claims the event id, not the payload: a copy rebuilt with another occurredAt sends nothing more", async () => {
    const { event, email } = await orderEvent("OrderConfirmed", confirmedExtra);
    const { handler: cold } = await h.load(() => import("./order-email"), env);
    expect((await run([record(event)], cold)).batchItemFailures).toEqual([]);
    const rebuilt = { ...event, occurredAt: new Date(Date.parse(event.occurredAt) + 1000).toISOString() };
    expect((await run([record(rebuilt, 2)], cold)).batchItemFailures).toEqual([]);
    expect(await readEmails(sesEndpoint, { to: email })).toHaveLength(1);
    expect(out.metrics()).toEqual({ OrderEmailsSent: 1, OrderEmailsDuplicate: 1 });
  });

  it("sends one email after SES failed on the first attempt (the claim is given back)", async () => {
    const { event, email } = await orderEvent("OrderConfirmed", confirmedExtra);
    // A cold start whose SES endpoint refuses connections.
    const { handler: broken } = await h.load(() => import("./order-email"), { ...env, AWS_ENDPOINT_URL_SESV2: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" });
    const delivered = record(event);
    const failed = await run([delivered], broken);
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: delivered.messageId }]);
    expect(await readEmails(sesEndpoint, { to: email })).toEqual([]);
    // A failure the alarm counts (not a delivery waiting for its twin), and which message it was.
    expect(out.metrics()).toEqual({ OrderEmailFailures: 1 });
    expect(out.logged("some order emails failed and will be retried")).toEqual([expect.objectContaining({ level: "WARN", failed: [delivered.messageId] })]);

    const { handler: healthy } = await h.load(() => import("./order-email"), env);
    expect((await run([record(event, 2)], healthy)).batchItemFailures).toEqual([]);
    expect((await run([record(event, 3)], healthy)).batchItemFailures).toEqual([]);
    expect(await readEmails(sesEndpoint, { to: email })).toHaveLength(1);
  });

  it("fails a malformed record alone and sends the rest", async () => {
    const { event, email } = await orderEvent("OrderConfirmed", confirmedExtra);
    const poison = { ...record(event), body: JSON.stringify({ source: "shopwave.orders", "detail-type": "OrderConfirmed", detail: { id: "x" } }) };
    const response = await run([poison, record(event)]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
    expect(await readEmails(sesEndpoint, { to: email })).toHaveLength(1);
    expect(out.metrics().OrderEmailFailures).toBe(1);
  });
});
