// refundOrderAsOperator on DynamoDB Local with a scripted RefundGateway that keeps Stripe's rules
// (one refund per idempotency key, never more than is left): a double submit is one refund, one
// record and one audit entry; partial refunds add up; what cannot be refunded never reaches the
// provider; a refusal is audited as failed and leaves the order as it was.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { OrderRecord } from "../orders/order";
import type { RefundGateway, RefundRequest } from "../payments/refund-gateway";
import { RefundRefused } from "../payments/stripe-refund-gateway";
import { DeleteCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { NotFound, PaymentProviderUnavailable } from "../shared/domain-error";
import { listAuditEntries, type AuditLog } from "./audit-log";
import { OrderNotRefundable, refundOrderAsOperator, type RefundOrderInput } from "./refund-order";

let u: UnitStore;
let audit: AuditLog;
beforeAll(async () => {
  u = await createUnitStore();
  audit = u.audit;
});
afterAll(() => u?.destroy());

/** Stripe's refund rules for one payment: a key replays its first answer; the amount never exceeds what is left. */
function scriptedRefunds(amountPaid: number) {
  const byKey = new Map<string, { refundId: string; amountCents: number; status: string }>();
  const created: RefundRequest[] = [];
  const asked: RefundRequest[] = [];
  let refunded = 0;
  const gateway: RefundGateway = {
    async createRefund(request) {
      asked.push(request);
      await new Promise((resolve) => setImmediate(resolve)); // let concurrent calls interleave
      const earlier = byKey.get(request.idempotencyKey);
      if (earlier) return earlier;
      if (request.amountCents > amountPaid - refunded) throw new RefundRefused("Refund amount is greater than unrefunded amount on charge.", "amount_too_large");
      refunded += request.amountCents;
      created.push(request);
      const refund = { refundId: `re_test_${created.length}`, amountCents: request.amountCents, status: "succeeded" };
      byKey.set(request.idempotencyKey, refund);
      return refund;
    },
  };
  return { gateway, created, asked };
}

const operator = { id: "acct_operator", email: "ops@shop.example" };
const now = new Date("2030-01-01T12:00:00.000Z");
let order: OrderRecord;
let provider: ReturnType<typeof scriptedRefunds>;
const deps = () => ({ store: u.store, audit, refunds: provider.gateway, now: () => now });
const input = (overrides: Partial<RefundOrderInput> = {}): RefundOrderInput => ({
  requestId: `req_${Math.random().toString(36).slice(2)}_${Date.now()}`,
  reason: "requested_by_customer",
  note: "Arrived broken",
  ...overrides,
});

beforeEach(async () => {
  const product = testProduct({ priceCents: 2500 });
  const placed = pendingOrderRecord(u.store, { lines: [{ product, quantity: 2 }], expiresAt: Math.floor(now.getTime() / 1000) + 3600 });
  order = { ...placed.record, status: "CONFIRMED", paymentIntentId: `pi_test_${placed.record.id}` };
  await u.putOrder(order);
  provider = scriptedRefunds(order.totalCents);
});

describe("refundOrderAsOperator", () => {
  it("refunds in full, records the refund on the order and audits it in the same write", async () => {
    const outcome = await refundOrderAsOperator(deps(), operator, order.id, input());
    expect(outcome).toMatchObject({ replayed: false, remainingCents: 0, refund: { amountCents: 5000, operatorId: operator.id, reason: "requested_by_customer", note: "Arrived broken" } });
    expect(provider.created).toEqual([expect.objectContaining({ paymentIntentId: order.paymentIntentId, amountCents: 5000, orderId: order.id })]);
    const stored = await u.orderRecord(order.id);
    expect(stored?.refunds).toEqual([outcome.refund]);
    // Still CONFIRMED: REFUNDED comes from the provider's charge.refunded webhook, as for any refund.
    expect(stored?.status).toBe("CONFIRMED");
    const { entries } = await listAuditEntries(audit, { target: `order:${order.id}`, limit: 10 });
    expect(entries).toEqual([
      expect.objectContaining({ action: "order.refund", operatorId: operator.id, result: "succeeded", before: { status: "CONFIRMED", refundedCents: 0 }, after: expect.objectContaining({ amountCents: 5000, full: true }) }),
    ]);
  });

  it("refunds once under a double submit: one provider refund, one record, one audit entry", async () => {
    const request = input({ amountCents: 1200 });
    const [first, second, third] = await Promise.all([
      refundOrderAsOperator(deps(), operator, order.id, request),
      refundOrderAsOperator(deps(), operator, order.id, request),
      refundOrderAsOperator(deps(), operator, order.id, request),
    ]);
    expect(provider.created).toHaveLength(1);
    expect(new Set([first.refund.refundId, second.refund.refundId, third.refund.refundId]).size).toBe(1);
    expect([first, second, third].filter((outcome) => !outcome.replayed)).toHaveLength(1);
    expect((await u.orderRecord(order.id))?.refunds).toHaveLength(1);
    expect((await listAuditEntries(audit, { target: `order:${order.id}`, limit: 10 })).entries).toHaveLength(1);
    // Sent again later, it answers with the same refund without asking the provider.
    const later = await refundOrderAsOperator(deps(), operator, order.id, request);
    expect(later).toMatchObject({ replayed: true, refund: { refundId: first.refund.refundId }, remainingCents: 3800 });
    expect(provider.created).toHaveLength(1);
  });

  it("adds partial refunds up and refuses more than is left before asking the provider", async () => {
    await refundOrderAsOperator(deps(), operator, order.id, input({ amountCents: 1000 }));
    const second = await refundOrderAsOperator(deps(), operator, order.id, input({ amountCents: 1500, reason: "duplicate" }));
    expect(second.remainingCents).toBe(2500);
    const refused = await refundOrderAsOperator(deps(), operator, order.id, input({ amountCents: 2501 })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OrderNotRefundable);
    expect((refused as OrderNotRefundable).details).toMatchObject({ remainingCents: 2500 });
    expect(provider.created).toHaveLength(2);
    // Without an amount: the rest.
    expect((await refundOrderAsOperator(deps(), operator, order.id, input())).refund.amountCents).toBe(2500);
    expect(((await u.orderRecord(order.id))?.refunds as unknown[]).length).toBe(3);
  });

  it("refuses unpaid, cancelled and unknown orders without asking the provider", async () => {
    for (const status of ["PENDING_PAYMENT", "CANCELLED"] as const) {
      const { paymentIntentId: _pi, ...unpaid } = { ...order, status };
      await u.putOrder(unpaid);
      await expect(refundOrderAsOperator(deps(), operator, order.id, input())).rejects.toBeInstanceOf(OrderNotRefundable);
    }
    await expect(refundOrderAsOperator(deps(), operator, "ord_00000000000000000000000000", input())).rejects.toBeInstanceOf(NotFound);
    await expect(refundOrderAsOperator(deps(), operator, "not-an-order", input())).rejects.toBeInstanceOf(NotFound);
    expect(provider.created).toEqual([]);
  });

  it("audits a refusal by the provider as failed and leaves the order as it was", async () => {
    provider = scriptedRefunds(100); // the provider knows of less money than the order says
    const refused = await refundOrderAsOperator(deps(), operator, order.id, input({ amountCents: 500 })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RefundRefused);
    expect((await u.orderRecord(order.id))?.refunds).toBeUndefined();
    expect((await listAuditEntries(audit, { target: `order:${order.id}`, limit: 10 })).entries).toEqual([
      expect.objectContaining({ action: "order.refund", result: "failed", after: { amountCents: 500 }, error: expect.stringContaining("greater than unrefunded") }),
    ]);
  });

  it("answers a request it already carried out from the order's record, without asking the provider again", async () => {
    const request = input({ amountCents: 1200 });
    await refundOrderAsOperator(deps(), operator, order.id, request);
    const again = await refundOrderAsOperator(deps(), operator, order.id, request);
    expect(again).toMatchObject({ replayed: true, remainingCents: 3800, refund: { amountCents: 1200, requestId: request.requestId } });
    expect(provider.asked).toHaveLength(1);
  });

  it("answers a racing double submit with its own refund, not an earlier one on the order", async () => {
    const earlier = await refundOrderAsOperator(deps(), operator, order.id, input({ amountCents: 700 }));
    const request = input({ amountCents: 1200 });
    const outcomes = await Promise.all([1, 2, 3].map(() => refundOrderAsOperator(deps(), operator, order.id, request)));
    const ids = new Set(outcomes.map((outcome) => outcome.refund.refundId));
    expect(ids.size).toBe(1);
    expect(ids.has(earlier.refund.refundId)).toBe(false);
    expect(outcomes.map((outcome) => [outcome.refund.amountCents, outcome.refund.requestId])).toEqual(Array.from({ length: 3 }, () => [1200, request.requestId]));
  });

  it("gives every answer to a racing double submit the same remaining amount", async () => {
    const request = input({ amountCents: 1200 });
    const outcomes = await Promise.all([1, 2, 3].map(() => refundOrderAsOperator(deps(), operator, order.id, request)));
    expect(outcomes.map((outcome) => outcome.remainingCents)).toEqual([3800, 3800, 3800]);
    // The provider's refund id is kept on the order: the condition that records each refund once.
    expect(await u.orderRecord(order.id)).toMatchObject({ refundIds: [outcomes[0]!.refund.refundId] });
  });

  it("audits the running total after each partial refund, and full only for the one that empties the order", async () => {
    await refundOrderAsOperator(deps(), operator, order.id, input({ amountCents: 1000, note: "first" }));
    await refundOrderAsOperator(deps(), operator, order.id, input({ amountCents: 1500, note: "second" }));
    await refundOrderAsOperator(deps(), operator, order.id, input({ note: "rest" }));
    const { entries } = await listAuditEntries(audit, { target: `order:${order.id}`, limit: 10 });
    const byNote = Object.fromEntries(entries.map((entry) => [entry.reason, [entry.before, entry.after]]));
    expect(byNote.first).toEqual([{ status: "CONFIRMED", refundedCents: 0 }, expect.objectContaining({ amountCents: 1000, refundedCents: 1000, full: false })]);
    expect(byNote.second).toEqual([{ status: "CONFIRMED", refundedCents: 1000 }, expect.objectContaining({ amountCents: 1500, refundedCents: 2500, full: false })]);
    expect(byNote.rest).toEqual([{ status: "CONFIRMED", refundedCents: 2500 }, expect.objectContaining({ amountCents: 2500, refundedCents: 5000, full: true })]);
  });

  it("says why it refuses, in words, with the order's status and what is left", async () => {
    const whyNot = async (overrides: Partial<OrderRecord>, request = input()) => {
      await u.putOrder({ ...order, ...overrides });
      const refusal = await refundOrderAsOperator(deps(), operator, order.id, request).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(OrderNotRefundable);
      const { code, message, details } = refusal as OrderNotRefundable;
      return { code, message, details };
    };
    // Refunded in full (here in the Stripe Dashboard: the order still has its payment, the console recorded nothing).
    expect(await whyNot({ status: "REFUNDED", providerRefundedCents: 5000 })).toEqual({
      code: "ORDER_NOT_REFUNDABLE",
      message: "This order cannot be refunded: it was refunded in full.",
      details: { status: "REFUNDED", remainingCents: 0 },
    });
    // Paid after it was cancelled (and refunded automatically): its payment does not make it refundable here.
    expect(await whyNot({ status: "CANCELLED" })).toEqual({
      code: "ORDER_NOT_REFUNDABLE",
      message: "This order cannot be refunded: it has not been paid.",
      details: { status: "CANCELLED", remainingCents: 5000 },
    });
    // Still CONFIRMED while Stripe already reports every cent refunded (its charge.refunded not processed yet).
    expect(await whyNot({ status: "CONFIRMED", providerRefundedCents: 5000 })).toEqual({
      code: "ORDER_NOT_REFUNDABLE",
      message: "This order cannot be refunded: it was refunded in full.",
      details: { status: "CONFIRMED", remainingCents: 0 },
    });
    expect(await whyNot({ status: "CONFIRMED", providerRefundedCents: 2500 }, input({ amountCents: 2501 }))).toEqual({
      code: "ORDER_NOT_REFUNDABLE",
      message: "This order cannot be refunded: at most 2500 (minor units) is left to refund.",
      details: { status: "CONFIRMED", remainingCents: 2500 },
    });
    expect(provider.asked).toEqual([]);
    // One cent left is still refundable.
    await u.putOrder({ ...order, providerRefundedCents: 4999 });
    expect(await refundOrderAsOperator(deps(), operator, order.id, input())).toMatchObject({ remainingCents: 0, refund: { amountCents: 1 } });
  });

  it("refuses an id that is not an order id before reading the table", async () => {
    // An empty or oversized key would be DynamoDB's ValidationException (a 500), not a 404.
    for (const id of ["", "x".repeat(3000)]) {
      const refusal = await refundOrderAsOperator(deps(), operator, id, input()).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(NotFound);
      expect((refusal as Error).message).toBe("Order was not found.");
    }
    const unknown = await refundOrderAsOperator(deps(), operator, "ord_00000000000000000000000000", input()).catch((error: unknown) => error);
    expect((unknown as Error).message).toBe("Order was not found.");
  });

  it("does not audit a provider outage as a failure (the refund may have happened), and records nothing", async () => {
    const outage = new PaymentProviderUnavailable("Stripe is unreachable", 5);
    const refusal = await refundOrderAsOperator({ ...deps(), refunds: { createRefund: () => Promise.reject(outage) } }, operator, order.id, input()).catch((error: unknown) => error);
    expect(refusal).toBe(outage);
    expect((await u.orderRecord(order.id))?.refunds).toBeUndefined();
    expect((await listAuditEntries(audit, { target: `order:${order.id}`, limit: 10 })).entries).toEqual([]);
  });

  it("stamps the refund and its audit entry with the real clock when none is given (as the handler calls it)", async () => {
    const before = Date.now();
    const outcome = await refundOrderAsOperator({ store: u.store, audit, refunds: provider.gateway }, operator, order.id, input({ amountCents: 100 }));
    expect(Date.parse(outcome.refund.at)).toBeGreaterThanOrEqual(before);
    provider = scriptedRefunds(0);
    await refundOrderAsOperator({ store: u.store, audit, refunds: provider.gateway }, operator, order.id, input({ amountCents: 100, note: "refused" })).catch(() => undefined);
    const failed = (await listAuditEntries(audit, { target: `order:${order.id}`, limit: 10 })).entries.find((entry) => entry.reason === "refused");
    expect(Date.parse(failed!.at)).toBeGreaterThanOrEqual(before);
  });

  it("lets a failure to record the refund through as it is: an outage of the table, or the order gone meanwhile", async () => {
    const outage = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const failingWrites = { ...u.store, db: { send: (command: unknown) => (command instanceof TransactWriteCommand ? Promise.reject(outage) : u.store.db.send(command as never)) } as unknown as typeof u.store.db };
    await expect(refundOrderAsOperator({ ...deps(), store: failingWrites }, operator, order.id, input({ amountCents: 100 }))).rejects.toBe(outage);

    const deleting: RefundGateway = {
      async createRefund(request) {
        await u.store.db.send(new DeleteCommand({ TableName: u.store.tables.orders, Key: { id: order.id } }));
        return provider.gateway.createRefund(request);
      },
    };
    await expect(refundOrderAsOperator({ ...deps(), refunds: deleting }, operator, order.id, input({ amountCents: 100 }))).rejects.toMatchObject({ name: "TransactionCanceledException" });
  });
});
