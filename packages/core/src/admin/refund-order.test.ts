// refundOrderAsOperator on DynamoDB Local with a scripted RefundGateway that keeps Stripe's rules
// (one refund per idempotency key, never more than is left): a double submit is one refund, one
// record and one audit entry; partial refunds add up; what cannot be refunded never reaches the
// provider; a refusal is audited as failed and leaves the order as it was.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tables } from "@shopwave/infra/topology";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import type { OrderRecord } from "../orders/order";
import type { RefundGateway, RefundRequest } from "../payments/refund-gateway";
import { RefundRefused } from "../payments/stripe-refund-gateway";
import { NotFound } from "../shared/domain-error";
import { listAuditEntries, type AuditLog } from "./audit-log";
import { OrderNotRefundable, refundOrderAsOperator, type RefundOrderInput } from "./refund-order";

let u: UnitStore;
let audit: AuditLog;
beforeAll(async () => {
  u = await createUnitStore();
  const [byTime, byOperator, byTarget] = tables.audit.globalIndexes;
  audit = { db: u.store.db, table: JSON.parse(u.handlerEnv.SST_RESOURCE_AuditTable!).name, indexes: { byTime: byTime.name, byOperator: byOperator.name, byTarget: byTarget.name } };
});
afterAll(() => u?.destroy());

/** Stripe's refund rules for one payment: a key replays its first answer; the amount never exceeds what is left. */
function scriptedRefunds(amountPaid: number) {
  const byKey = new Map<string, { refundId: string; amountCents: number; status: string }>();
  const created: RefundRequest[] = [];
  let refunded = 0;
  const gateway: RefundGateway = {
    async createRefund(request) {
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
  return { gateway, created };
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
      expect.objectContaining({ action: "order.refund", result: "failed", error: expect.stringContaining("greater than unrefunded") }),
    ]);
  });
});
