// GET /admin/sales on DynamoDB Local and the local SQS: the catalog with each product's sales and
// the shop's order counts (in total and per minute over the asked window, 15 minutes by default),
// beside the depth of every source queue and dead-letter queue the route may see; a window out of
// 1–120 minutes or an unknown parameter is a 400.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { minuteOf, recordSale } from "@shopwave/core/order-events/sales-counters";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { orderEvent } from "../../../../test/support/order-event-messages";
import { testProduct } from "../../../../test/support/unit-store";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let saleSnapshot: (typeof import("./sale-snapshot"))["handler"];
const mug = testProduct({ name: "Mug", stock: 7, priceCents: 1250 });
const now = new Date();
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

const confirmed = (quantity: number, occurredAt: string) => orderEvent("OrderConfirmed", { productId: mug.id, quantity, unitPriceCents: mug.priceCents, occurredAt });

beforeAll(async () => {
  h = await startAdminHarness({ sqs: true });
  ({ handler: saleSnapshot } = await h.load(() => import("./sale-snapshot")));
  await h.u.putProduct(mug);
  await recordSale(h.u.store, confirmed(2, minutesAgo(2)), now);
  await recordSale(h.u.store, confirmed(1, minutesAgo(30)), now); // outside the default window
  await h.parkDeadLetters(["poison"]);
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const snapshot = async (query?: Record<string, string>) => {
  const response = await saleSnapshot(h.event("GET /admin/sales", query ? { query } : {}), lambdaContext("admin-sale-snapshot"));
  return { statusCode: response.statusCode, body: bodyOf(response) };
};

describe("GET /admin/sales", () => {
  it("shows every product's sales and the shop's orders over the last 15 minutes by default, with the queues' depths", async () => {
    const { statusCode, body } = await snapshot();

    expect(statusCode).toBe(200);
    expect(Date.parse(body.at) - Date.parse(body.since)).toBe(15 * 60_000);
    expect(body.products).toEqual([
      expect.objectContaining({
        productId: mug.id,
        name: "Mug",
        stock: 7,
        total: { unitsSold: 3, revenueCents: 3750, unitsRefunded: 0, refundedCents: 0 },
        minutes: [expect.objectContaining({ minute: minuteOf(minutesAgo(2)), unitsSold: 2, revenueCents: 2500 })],
      }),
    ]);
    expect(body.orders.total).toMatchObject({ confirmed: 2 });
    expect(body.orders.minutes).toEqual([expect.objectContaining({ minute: minuteOf(minutesAgo(2)), confirmed: 1 })]);
    expect(body.deadLetters).toEqual([expect.objectContaining({ resource: "OrderEventsDlq", source: "OrderEventsQueue", depth: 1 })]);
    expect(body.queues).toEqual([expect.objectContaining({ resource: "OrderEventsQueue", depth: 0 })]);
    expect(out.logged("request")).toEqual([expect.objectContaining({ route: "GET /admin/sales", operatorId: OPERATOR.customerId, statusCode: 200 })]);
  });

  it("widens the per-minute window to the asked minutes", async () => {
    const { statusCode, body } = await snapshot({ minutes: "60" });
    expect(statusCode).toBe(200);
    expect(Date.parse(body.at) - Date.parse(body.since)).toBe(60 * 60_000);
    expect(body.products[0].minutes.map((minute: { unitsSold: number }) => minute.unitsSold)).toEqual([1, 2]);
    expect(body.orders.minutes.map((minute: { confirmed: number }) => minute.confirmed)).toEqual([1, 1]);
  });

  it.each([["0"], ["121"], ["1.5"], ["soon"]])("answers 400 to minutes=%s", async (minutes) => {
    const { statusCode, body } = await snapshot({ minutes });
    expect(statusCode).toBe(400);
    expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", details: expect.anything() });
  });

  it("accepts the bounds of the window, 1 and 120 minutes", async () => {
    expect((await snapshot({ minutes: "1" })).statusCode).toBe(200);
    expect((await snapshot({ minutes: "120" })).statusCode).toBe(200);
  });

  it("answers 400 to a parameter it does not know", async () => {
    const { statusCode, body } = await snapshot({ minutes: "5", product: mug.id });
    expect(statusCode).toBe(400);
    expect(body.error.code).toBe("VALIDATION_FAILED");
  });
});
