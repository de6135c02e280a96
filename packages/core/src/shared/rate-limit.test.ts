// The setting's parser, and the fixed-window counter against DynamoDB Local (its ADD is the count).
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import { RateLimited } from "./domain-error";
import { consumeRateLimit, parseRateLimit } from "./rate-limit";

describe("parseRateLimit", () => {
  it("reads <requests>/<seconds>s and treats off or unset as no limit", () => {
    expect(parseRateLimit("10/60s", "X")).toEqual({ limit: 10, windowSeconds: 60 });
    expect(parseRateLimit(" 3/1s ", "X")).toEqual({ limit: 3, windowSeconds: 1 });
    expect(parseRateLimit("off", "X")).toBeUndefined();
    expect(parseRateLimit(undefined, "X")).toBeUndefined();
    expect(parseRateLimit("", "X")).toBeUndefined();
    expect(parseRateLimit("   ", "X")).toBeUndefined();
    expect(parseRateLimit("1/1s", "X")).toEqual({ limit: 1, windowSeconds: 1 });
  });

  it.each(["10", "10/60", "ten/60s", "0/60s", "10/0s", "-1/60s", "10 per minute"])("refuses %s with the setting's name", (raw) => {
    expect(() => parseRateLimit(raw, "ORDER_RATE_LIMIT")).toThrow(/ORDER_RATE_LIMIT/);
  });
});

describe("consumeRateLimit", () => {
  let u: UnitStore;
  beforeAll(async () => {
    u = await createUnitStore();
  });
  afterAll(() => u?.destroy());

  const rule = { limit: 2, windowSeconds: 60 };
  // 20 s into a window that starts at a multiple of 60 s.
  const windowStart = 1_900_000_020 - (1_900_000_020 % 60);
  const at = (seconds: number) => new Date((windowStart + seconds) * 1000);
  const key = () => `client-${Math.random().toString(36).slice(2)}`;

  it("lets the limit through in a window, refuses the next with the seconds until the window ends", async () => {
    const who = key();
    await consumeRateLimit(u.store, "orders", who, rule, at(0));
    await consumeRateLimit(u.store, "orders", who, rule, at(10));
    const error = await consumeRateLimit(u.store, "orders", who, rule, at(20)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 40, message: "Too many requests: at most 2 every 60 s. Try again shortly." });
    // The counter is per scope and key, keeps counting, and expires a window after its end.
    const { Item } = await u.store.db.send(new GetCommand({ TableName: u.store.tables.rateLimits, Key: { id: `orders#${who}#${windowStart}` }, ConsistentRead: true }));
    expect(Item).toEqual({ id: `orders#${who}#${windowStart}`, hits: 3, expiresAt: windowStart + 120 });
  });

  it("counts each key and scope apart, and starts again in the next window", async () => {
    const who = key();
    await consumeRateLimit(u.store, "orders", who, rule, at(0));
    await consumeRateLimit(u.store, "orders", who, rule, at(1));
    await consumeRateLimit(u.store, "orders", key(), rule, at(2));
    await consumeRateLimit(u.store, "cancels", who, rule, at(3));
    await consumeRateLimit(u.store, "orders", who, rule, at(60));
    await consumeRateLimit(u.store, "orders", who, rule, at(61));
    await expect(consumeRateLimit(u.store, "orders", who, rule, at(119))).rejects.toMatchObject({ retryAfterSeconds: 1 });
  });
});
