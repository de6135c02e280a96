import { describe, expect, it } from "vitest";
import { maxOrderable, stockLabel } from "./stock";

describe("stockLabel", () => {
  it("warns when stock is low and says when it is gone", () => {
    expect(stockLabel(0)).toBe("Sold out");
    expect(stockLabel(1)).toBe("Only 1 left");
    expect(stockLabel(3)).toBe("Only 3 left");
    expect(stockLabel(5)).toBe("Only 5 left");
    expect(stockLabel(6)).toBe("In stock");
  });
});

describe("maxOrderable", () => {
  it("is the stock, capped by the API's per-line limit", () => {
    expect(maxOrderable(0)).toBe(0);
    expect(maxOrderable(3)).toBe(3);
    expect(maxOrderable(120)).toBe(10);
  });
});
