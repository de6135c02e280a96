import { describe, expect, it } from "vitest";
import { formatMoney } from "./money";

describe("formatMoney", () => {
  it("formats minor units with the currency's decimals", () => {
    expect(formatMoney(1800, "usd")).toBe("$18.00");
    expect(formatMoney(27900, "USD")).toBe("$279.00");
    expect(formatMoney(1234, "eur")).toBe("€12.34");
    // JPY has no minor unit: 1234 is ¥1,234, not ¥12.34.
    expect(formatMoney(1234, "jpy")).toBe("¥1,234");
  });
});
