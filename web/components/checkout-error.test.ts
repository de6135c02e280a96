import { describe, expect, it } from "vitest";
import { ApiError, ApiUnreachableError } from "../lib/shop-api";
import { describeCheckoutError } from "./checkout-error";

describe("describeCheckoutError", () => {
  it("names each short item and how many are left", () => {
    const error = new ApiError(409, "OUT_OF_STOCK", "Not enough stock", {
      items: [
        { productId: "cast-iron-skillet", name: "Cast Iron Skillet", requested: 2, available: 1 },
        { productId: "cedar-adirondack-chair", name: "Cedar Adirondack Chair", requested: 1, available: 0 },
      ],
    }, null);
    const problem = describeCheckoutError(error);
    expect(problem.lines).toEqual(["Cast Iron Skillet: only 1 left (you asked for 2).", "Cedar Adirondack Chair is sold out."]);
    expect(problem.outOfStock).toHaveLength(2);
  });

  it("says when to retry while payments are down, and that nothing was charged", () => {
    const problem = describeCheckoutError(new ApiError(503, "PAYMENT_PROVIDER_UNAVAILABLE", "Stripe is unreachable", null, 5));
    expect(problem.lines.join(" ")).toBe("Nothing was charged. Please try again in 5 seconds.");
  });

  it("asks a rate-limited shopper to wait as long as the API says", () => {
    const problem = describeCheckoutError(new ApiError(429, "RATE_LIMITED", "Too many requests", null, 30));
    expect(problem.title).toBe("Too many checkout attempts.");
    expect(problem.lines).toEqual(["Nothing was charged. Please try again in 30 seconds."]);
  });

  it("tells a shopper over a hold cap to finish or cancel an unpaid order, not to wait thousands of seconds", () => {
    const message = "You already hold as much stock in unpaid orders as one customer may. Pay for or cancel a pending order, or try again once it lapses.";
    const error = new ApiError(429, "HOLD_LIMIT_REACHED", message, { limits: [{ holder: "email", limit: "orders", max: 3, held: 3, requested: 1 }] }, 2100);
    const problem = describeCheckoutError(error);
    expect(problem.title).toBe("You already have unpaid orders holding items.");
    expect(problem.lines).toEqual([message]);
    expect(problem.lines.join(" ")).not.toContain("2100");
    const tooBig = describeCheckoutError(new ApiError(429, "HOLD_LIMIT_REACHED", "This order is larger than one customer may hold at once.", null, null));
    expect(tooBig.title).toBe("That is more than one customer can reserve at once.");
  });

  it("passes validation messages through and explains an unreachable API", () => {
    expect(describeCheckoutError(new ApiError(400, "VALIDATION_FAILED", "a valid email address is required", null, null)).lines).toEqual([
      "a valid email address is required",
    ]);
    const unreachable = describeCheckoutError(new ApiUnreachableError("http://127.0.0.1:1/orders", { cause: new TypeError("fetch failed") }));
    expect(unreachable.title).toBe("We couldn't reach Shopwave.");
  });
});
