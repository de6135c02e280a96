import { describe, expect, it } from "vitest";
import { CreateOrderInput, MAX_LINES_PER_ORDER, MAX_QUANTITY_PER_LINE, mergeLines } from "./create-order";
import { reservationMinutesFrom } from "./reservation-window";

describe("CreateOrderInput", () => {
  const valid = { email: "shopper@example.com", items: [{ productId: "mug", quantity: 1 }] };

  it("accepts a well-formed cart", () => {
    expect(CreateOrderInput.parse(valid)).toEqual(valid);
  });

  it.each([
    ["a bad email", { ...valid, email: "nope" }],
    ["no items", { ...valid, items: [] }],
    ["quantity 0", { ...valid, items: [{ productId: "mug", quantity: 0 }] }],
    ["a fractional quantity", { ...valid, items: [{ productId: "mug", quantity: 1.5 }] }],
    ["too large a quantity", { ...valid, items: [{ productId: "mug", quantity: MAX_QUANTITY_PER_LINE + 1 }] }],
    ["too many lines", { ...valid, items: Array.from({ length: MAX_LINES_PER_ORDER + 1 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })) }],
    ["a client-supplied price", { ...valid, items: [{ productId: "mug", quantity: 1, priceCents: 1 }] }],
    ["a client-supplied total", { ...valid, totalCents: 1 }],
    ["a malformed product id", { ...valid, items: [{ productId: "../etc", quantity: 1 }] }],
  ])("rejects %s", (_name, input) => {
    expect(CreateOrderInput.safeParse(input).success).toBe(false);
  });
});

describe("mergeLines", () => {
  it("adds up repeated products so each is reserved once", () => {
    expect(
      mergeLines([
        { productId: "mug", quantity: 2 },
        { productId: "lamp", quantity: 1 },
        { productId: "mug", quantity: 3 },
      ]),
    ).toEqual([
      { productId: "mug", quantity: 5 },
      { productId: "lamp", quantity: 1 },
    ]);
  });
});

describe("reservationMinutesFrom", () => {
  it("defaults to a reservation Stripe accepts with margin", () => {
    expect(reservationMinutesFrom(undefined)).toBe(35);
    expect(reservationMinutesFrom("")).toBe(35);
    expect(reservationMinutesFrom("60")).toBe(60);
  });

  it.each(["30", "1440", "abc", "45.5", "-1"])("refuses %s, which Stripe would refuse or which is not a whole number of minutes", (raw) => {
    expect(() => reservationMinutesFrom(raw)).toThrow(/ORDER_RESERVATION_MINUTES/);
  });
});
