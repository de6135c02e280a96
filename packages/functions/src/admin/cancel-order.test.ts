// POST /admin/orders/{id}/cancel on orders placed through the create-order handler (real sessions
// on the Stripe simulator): an operator cancels a pending order (session expired, stock back once,
// audited with the note); a paid order is refused with 409 and audited as failed; a note is required.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listAuditEntries } from "@shopwave/core/admin/audit-log";
import { bodyOf, captureOutput, lambdaContext, placeOrderThroughHandler } from "../../../../test/support/handler-harness";
import { OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";
import { payOnCheckoutPage } from "../../../../test/support/checkout-page-client";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let createOrder: (typeof import("../api/create-order"))["handler"];
let cancelOrder: (typeof import("./cancel-order"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: createOrder } = await h.load(() => import("../api/create-order")));
  ({ handler: cancelOrder } = await h.load(() => import("./cancel-order")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

async function placeOrder(quantity = 2) {
  const placed = await placeOrderThroughHandler(h, createOrder, { quantity });
  out.clear();
  return placed;
}

const cancel = (orderId: string, json: unknown) =>
  cancelOrder(h.event("POST /admin/orders/{id}/cancel", { pathParameters: { id: orderId }, json }), lambdaContext("admin-cancel-order"));
const auditOf = async (orderId: string) => (await listAuditEntries(h.audit, { target: `order:${orderId}`, limit: 10 })).entries;

describe("POST /admin/orders/{id}/cancel", () => {
  it("cancels a pending order: session expired, stock back once, audited; a repeat is no_change", async () => {
    const placed = await placeOrder(2);
    expect(await h.u.stockOf(placed.productId)).toBe(3);

    const response = await cancel(placed.order.id, { note: "customer phoned" });

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ id: placed.order.id, status: "CANCELLED", cancellationReason: "cancelled_by_operator" });
    expect(await h.u.stockOf(placed.productId)).toBe(5);
    expect((await h.stripe.checkout.sessions.retrieve(placed.order.checkoutSessionId)).status).toBe("expired");
    expect(out.logged("order cancelled by an operator")).toEqual([expect.objectContaining({ orderId: placed.order.id, operatorId: OPERATOR.customerId })]);
    expect(await auditOf(placed.order.id)).toEqual([
      expect.objectContaining({
        action: "order.cancel",
        result: "succeeded",
        reason: "customer phoned",
        before: { status: "PENDING_PAYMENT" },
        after: { status: "CANCELLED", cancellationReason: "cancelled_by_operator" },
        operatorId: OPERATOR.customerId,
      }),
    ]);

    const again = await cancel(placed.order.id, { note: "clicked twice" });
    expect(again.statusCode).toBe(200);
    expect(await h.u.stockOf(placed.productId)).toBe(5);
    expect((await auditOf(placed.order.id)).map((entry) => entry.result).sort()).toEqual(["no_change", "succeeded"]);
  });

  it("refuses a paid order with 409, keeps it and its stock, and audits the refusal", async () => {
    const placed = await placeOrder(1);
    expect((await payOnCheckoutPage(placed.checkoutUrl, "4242424242424242")).status).toBe(303);

    const response = await cancel(placed.order.id, { note: "too late" });

    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error).toMatchObject({ code: "ORDER_NOT_CANCELLABLE" });
    expect((await h.u.orderRecord(placed.order.id))?.status).toBe("CONFIRMED");
    expect(await h.u.stockOf(placed.productId)).toBe(4);
    expect(await auditOf(placed.order.id)).toEqual([expect.objectContaining({ action: "order.cancel", result: "failed", error: expect.stringMatching(/^ORDER_NOT_CANCELLABLE: /) })]);
    expect(out.logged("order cancelled by an operator")).toEqual([]);
  });

  it("answers 400 without a note (or with an unknown field) and 404 for an unknown order, cancelling nothing", async () => {
    const placed = await placeOrder(1);
    for (const body of [{}, { note: "   " }, { note: "x", reason: "other" }]) {
      const response = await cancel(placed.order.id, body);
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).error.code).toBe("VALIDATION_FAILED");
    }
    expect((await h.u.orderRecord(placed.order.id))?.status).toBe("PENDING_PAYMENT");
    expect(await h.u.stockOf(placed.productId)).toBe(4);

    expect((await cancel(placed.order.id, { note: "x".repeat(2100) })).statusCode).toBe(413);
    const unknown = await cancel("ord_00000000000000000000000000", { note: "x" });
    expect(unknown.statusCode).toBe(404);
    expect(bodyOf(unknown).error).toEqual({ code: "NOT_FOUND", message: "Order was not found." });
    const noPath = h.event("POST /admin/orders/{id}/cancel", { json: { note: "x" } });
    expect((await cancelOrder(noPath, lambdaContext("admin-cancel-order"))).statusCode).toBe(404);
    expect(await auditOf(placed.order.id)).toEqual([]);
  });
});
