import { describe, expect, it } from "vitest";
import { canTransition, OrderStatus, toOrderView, type OrderRecord } from "./order";

describe("order state machine", () => {
  it("allows exactly the documented transitions", () => {
    const allowed = OrderStatus.options.flatMap((from) =>
      OrderStatus.options.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(["CONFIRMED->REFUNDED", "PENDING_PAYMENT->CANCELLED", "PENDING_PAYMENT->CONFIRMED"]);
  });

  it("never leaves a terminal status", () => {
    for (const to of OrderStatus.options) {
      expect(canTransition("CANCELLED", to)).toBe(false);
      expect(canTransition("REFUNDED", to)).toBe(false);
    }
  });
});

describe("toOrderView", () => {
  const record: OrderRecord = {
    id: "ord_0123456789abcdefghjkmnpqrs",
    status: "PENDING_PAYMENT",
    email: "a@example.com",
    items: [{ productId: "mug", name: "Mug", unitPriceCents: 1200, quantity: 2 }],
    totalCents: 2400,
    currency: "usd",
    accessTokenHash: "secret-hash",
    checkoutSessionId: "cs_test_1",
    checkoutUrl: "http://pay/cs_test_1",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    expiresAt: 1_767_227_400,
    pendingShard: "pending#3",
  };

  it("hides the token hash and index bookkeeping", () => {
    const view = toOrderView(record);
    expect(JSON.stringify(view)).not.toContain("secret-hash");
    expect(view).not.toHaveProperty("pendingShard");
    expect(view.expiresAt).toBe("2026-01-01T00:30:00.000Z");
  });

  it("offers the checkout URL only while payment is pending", () => {
    expect(toOrderView(record).checkoutUrl).toBe("http://pay/cs_test_1");
    expect(toOrderView({ ...record, status: "CONFIRMED" }).checkoutUrl).toBeNull();
  });
});
