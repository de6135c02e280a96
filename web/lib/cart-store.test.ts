import { describe, expect, it } from "vitest";
import { cartItemCount, parseCart } from "./cart-store";

describe("parseCart", () => {
  it("reads stored lines and drops malformed or duplicate ones", () => {
    const raw = JSON.stringify([
      { productId: "enamel-camp-mug", quantity: 2, name: "Enamel Camp Mug" },
      { productId: "enamel-camp-mug", quantity: 5 },
      { productId: "", quantity: 1 },
      { productId: "field-notebook", quantity: 0 },
      { productId: "field-notebook", quantity: "3" },
      { productId: "cast-iron-skillet", quantity: 40 },
      null,
    ]);
    expect(parseCart(raw)).toEqual([
      { productId: "enamel-camp-mug", quantity: 2, name: "Enamel Camp Mug" },
      { productId: "cast-iron-skillet", quantity: 10 },
    ]);
  });

  it("treats missing or corrupt storage as an empty cart", () => {
    expect(parseCart(null)).toEqual([]);
    expect(parseCart("{not json")).toEqual([]);
    expect(parseCart(JSON.stringify({ productId: "x", quantity: 1 }))).toEqual([]);
  });

  it("counts items across lines", () => {
    expect(cartItemCount([{ productId: "a", quantity: 2 }, { productId: "b", quantity: 3 }])).toBe(5);
  });
});
