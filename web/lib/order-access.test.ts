import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forgetOrderToken, isOrderToken, rememberedOrderToken, rememberOrderToken, tokenFromFragment } from "./order-access";

const token = "VUkIJ-wwavF8DHPpNVs5nOhUKq2ffEaShw_9xc8VuuE";

describe("tokenFromFragment", () => {
  it("reads #token=, refuses what is not shaped like a token", () => {
    expect(tokenFromFragment(`#token=${token}`)).toBe(token);
    expect(tokenFromFragment("")).toBeNull();
    expect(tokenFromFragment("#other=1")).toBeNull();
    for (const bad of ["%E2%98%83", "a%0D%0Ab", "a".repeat(500), ""]) expect(tokenFromFragment(`#token=${bad}`)).toBe("malformed");
    expect(isOrderToken(token)).toBe(true);
  });
});

describe("remembered order tokens", () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    (globalThis as { window?: unknown }).window = {
      localStorage: {
        getItem: (key: string) => store.get(key) ?? null,
        setItem: (key: string, value: string) => void store.set(key, value),
        removeItem: (key: string) => void store.delete(key),
      },
    };
  });
  afterEach(() => {
    store.clear();
    delete (globalThis as { window?: unknown }).window;
  });

  it("keeps the latest twenty orders' tokens, newest first", () => {
    for (let i = 0; i < 25; i++) rememberOrderToken(`ord_${i}`, `${token.slice(0, 40)}${String(i).padStart(3, "0")}`);
    expect(rememberedOrderToken("ord_24")).toMatch(/024$/);
    expect(rememberedOrderToken("ord_5")).toMatch(/005$/);
    expect(rememberedOrderToken("ord_4")).toBeNull();
    forgetOrderToken("ord_24");
    expect(rememberedOrderToken("ord_24")).toBeNull();
  });

  it("ignores what it did not write", () => {
    store.set("shopwave.orders.v1", JSON.stringify([{ orderId: "ord_1", token: "bad token" }, 7, null]));
    expect(rememberedOrderToken("ord_1")).toBeNull();
    store.set("shopwave.orders.v1", "{not json");
    expect(rememberedOrderToken("ord_1")).toBeNull();
    expect(rememberOrderToken("ord_1", token)).toBe(true);
    expect(rememberedOrderToken("ord_1")).toBe(token);
  });
});
