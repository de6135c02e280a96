// readOrder against DynamoDB Local: only the order's own token reads it, and every refusal looks
// the same, so the API does not reveal which order ids exist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { NotFound } from "../shared/domain-error";
import { randomId } from "../shared/random-id";
import { appendTimelineEntry } from "../order-events/order-timeline";
import { readOrder, readOrderWithTimeline } from "./read-order";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

const product = testProduct({ priceCents: 1999 });

describe("readOrder", () => {
  it("returns the order's public view to the holder of its token", async () => {
    const { record, token } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 3 }], expiresAt: 1_900_000_000, checkoutSessionId: "cs_test_read" });
    await u.putOrder(record);
    const view = await readOrder(u.store, record.id, token);
    expect(view).toEqual({
      id: record.id,
      status: "PENDING_PAYMENT",
      email: "shopper@example.com",
      items: [{ productId: product.id, name: product.name, unitPriceCents: 1999, quantity: 3 }],
      totalCents: 5997,
      currency: "usd",
      checkoutSessionId: "cs_test_read",
      checkoutUrl: record.checkoutUrl,
      cancellationReason: null,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      expiresAt: new Date(1_900_000_000 * 1000).toISOString(),
    });
    expect(JSON.stringify(view)).not.toContain(record.accessTokenHash);
  });

  it("answers another order's token, an empty token, the hash itself, an unknown id and a malformed id with the same NotFound", async () => {
    const mine = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: 1_900_000_000 });
    const other = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: 1_900_000_000 });
    await u.putOrder(mine.record);
    await u.putOrder(other.record);
    const attempts: [string, string][] = [
      [mine.record.id, other.token],
      [mine.record.id, ""],
      [mine.record.id, mine.record.accessTokenHash],
      [randomId("ord"), mine.token],
      ["ord_../../etc", mine.token],
      [`${mine.record.id} `, mine.token],
      // Not even looked up: an empty key is a ValidationException from DynamoDB (a 500), not a 404.
      ["", mine.token],
    ];
    for (const [orderId, token] of attempts) {
      const refused = await readOrder(u.store, orderId, token).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused, `${orderId} / ${token}`).toBeInstanceOf(NotFound);
      expect(refused).toMatchObject({ code: "NOT_FOUND", message: "Order was not found." });
    }
    // The rightful token still works after all that.
    expect((await readOrder(u.store, mine.record.id, mine.token)).id).toBe(mine.record.id);
  });

  it("adds the order's timeline, oldest first, only for the order's own token", async () => {
    const mine = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: 1_900_000_000 });
    const other = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: 1_900_000_000 });
    await u.putOrder(mine.record);
    await u.putOrder(other.record);
    expect((await readOrderWithTimeline(u.store, mine.record.id, mine.token)).timeline).toEqual([]);
    await appendTimelineEntry(u.store, { orderId: mine.record.id, entryId: "b", kind: "cancelled", at: "2030-01-01T12:30:00.000Z", detail: { reason: "cancelled_by_shopper" } });
    await appendTimelineEntry(u.store, { orderId: mine.record.id, entryId: "a", kind: "placed", at: "2030-01-01T12:00:00.000Z" });
    const view = await readOrderWithTimeline(u.store, mine.record.id, mine.token);
    expect(view).toMatchObject({ id: mine.record.id, status: "PENDING_PAYMENT" });
    expect(view.timeline).toEqual([
      { kind: "placed", at: "2030-01-01T12:00:00.000Z" },
      { kind: "cancelled", at: "2030-01-01T12:30:00.000Z", detail: { reason: "cancelled_by_shopper" } },
    ]);
    await expect(readOrderWithTimeline(u.store, mine.record.id, other.token)).rejects.toBeInstanceOf(NotFound);
    await expect(readOrderWithTimeline(u.store, "ord_../../etc", mine.token)).rejects.toBeInstanceOf(NotFound);
  });
});
