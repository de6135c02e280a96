// What the domain errors tell a client: the stable code, the message and the details the HTTP
// layer sends as they are, and the retry hint it turns into Retry-After.
import { describe, expect, it } from "vitest";
import { ConcurrencyLimit, HoldLimitReached, OutOfStock, PaymentProviderUnavailable, StockAdjustmentRefused } from "./domain-error";

describe("domain errors", () => {
  it("OutOfStock names each short item with what is left and what was asked, and lists them in the details", () => {
    const shortfalls = [
      { productId: "prod_mug", name: "Mug", requested: 3, available: 1 },
      { productId: "prod_tee", name: "Tee", requested: 2, available: 0 },
    ];
    const error = new OutOfStock(shortfalls);
    expect(error).toMatchObject({ code: "OUT_OF_STOCK", details: { items: shortfalls }, shortfalls });
    expect(error.message).toBe("Not enough stock for: Mug (1 left, 3 requested), Tee (0 left, 2 requested).");
  });

  it("PaymentProviderUnavailable and ConcurrencyLimit carry their code, retry hint and cause", () => {
    const cause = new Error("socket hang up");
    expect(new PaymentProviderUnavailable("Stripe is down.", 30, cause)).toMatchObject({ code: "PAYMENT_PROVIDER_UNAVAILABLE", message: "Stripe is down.", retryAfterSeconds: 30, cause });
    expect(new ConcurrencyLimit("Busy.", 1, cause)).toMatchObject({ code: "CONCURRENCY_LIMIT", retryAfterSeconds: 1, cause });
  });

  it("HoldLimitReached tells a customer to wait only when waiting helps", () => {
    const breaches = [{ holder: "email" as const, limit: "units" as const, max: 10, held: 8, requested: 3 }];
    const tooBig = new HoldLimitReached(breaches, undefined);
    expect(tooBig).toMatchObject({ code: "HOLD_LIMIT_REACHED", details: { limits: breaches }, retryAfterSeconds: undefined });
    expect(tooBig.message).toBe("This order is larger than one customer may hold at once.");
    const holding = new HoldLimitReached(breaches, 120);
    expect(holding).toMatchObject({ code: "HOLD_LIMIT_REACHED", retryAfterSeconds: 120 });
    expect(holding.message).toBe("You already hold as much stock in unpaid orders as one customer may. Pay for or cancel a pending order, or try again once it lapses.");
  });

  it("StockAdjustmentRefused explains a refused set by what is reserved, a refused removal by what is available", () => {
    const levels = { available: 2, reserved: 3 };
    const set = new StockAdjustmentRefused("prod_mug", levels, { set: 1 });
    expect(set).toMatchObject({ code: "STOCK_ADJUSTMENT_REFUSED", details: { productId: "prod_mug", available: 2, reserved: 3, requested: { set: 1 } } });
    expect(set.message).toBe("Cannot set prod_mug to 1 on hand: 3 are reserved by unpaid orders.");
    const removal = new StockAdjustmentRefused("prod_mug", levels, { add: -5 });
    expect(removal.message).toBe("Cannot remove 5 of prod_mug: only 2 are available.");
  });
});
