import { describe, expect, it } from "vitest";
import { parseRateLimit } from "./rate-limit";

describe("parseRateLimit", () => {
  it("reads <requests>/<seconds>s and treats off or unset as no limit", () => {
    expect(parseRateLimit("10/60s", "X")).toEqual({ limit: 10, windowSeconds: 60 });
    expect(parseRateLimit(" 3/1s ", "X")).toEqual({ limit: 3, windowSeconds: 1 });
    expect(parseRateLimit("off", "X")).toBeUndefined();
    expect(parseRateLimit(undefined, "X")).toBeUndefined();
    expect(parseRateLimit("", "X")).toBeUndefined();
  });

  it.each(["10", "10/60", "ten/60s", "0/60s", "10/0s", "-1/60s", "10 per minute"])("refuses %s with the setting's name", (raw) => {
    expect(() => parseRateLimit(raw, "ORDER_RATE_LIMIT")).toThrow(/ORDER_RATE_LIMIT/);
  });
});
