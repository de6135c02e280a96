import { describe, expect, it } from "vitest";
import { readSettings } from "./settings";

describe("handler settings", () => {
  it("gives the documented defaults when unset or empty", () => {
    const settings = readSettings({ STOREFRONT_URL: "", SWEEP_GRACE_SECONDS: "" });
    expect(settings.storefrontUrl()).toBe("http://localhost:3000");
    expect(settings.sweepGraceSeconds()).toBe(300);
    expect(settings.reservationMinutes()).toBe(35);
    expect(settings.orderRateLimit()).toBeUndefined();
    expect(settings.stripeApiBaseUrl()).toBeUndefined();
    expect(settings.stripeTimeoutMs()).toBeUndefined();
  });

  it("parses what is set", () => {
    const settings = readSettings({ STOREFRONT_URL: "https://shop.example.com/", SWEEP_GRACE_SECONDS: "0", STRIPE_TIMEOUT_MS: "400", STRIPE_API_BASE_URL: "http://127.0.0.1:12111" });
    expect(settings.storefrontUrl()).toBe("https://shop.example.com");
    expect(settings.sweepGraceSeconds()).toBe(0);
    expect(settings.stripeTimeoutMs()).toBe(400);
    expect(settings.stripeApiBaseUrl()).toBe("http://127.0.0.1:12111");
  });

  it.each([
    ["SWEEP_GRACE_SECONDS", "five minutes", /SWEEP_GRACE_SECONDS=five minutes is not valid/],
    ["SWEEP_GRACE_SECONDS", "-1", /SWEEP_GRACE_SECONDS=-1/],
    ["SWEEP_GRACE_SECONDS", "1.5", /SWEEP_GRACE_SECONDS=1.5/],
    ["STOREFRONT_URL", "shop.example.com", /STOREFRONT_URL=shop.example.com is not valid: use an http\(s\) URL/],
    ["STRIPE_TIMEOUT_MS", "0", /STRIPE_TIMEOUT_MS=0/],
  ])("refuses %s=%s with an error naming it", (name, value, message) => {
    const settings = readSettings({ [name]: value });
    const read = { SWEEP_GRACE_SECONDS: settings.sweepGraceSeconds, STOREFRONT_URL: settings.storefrontUrl, STRIPE_TIMEOUT_MS: settings.stripeTimeoutMs }[name]!;
    expect(read).toThrow(message);
  });

  it("reads the order limits and the reservation window from their variables", () => {
    const settings = readSettings({ ORDER_RATE_LIMIT: "10/60s", ORDER_HOLDS_PER_EMAIL: "orders=3,units=30,perProduct=10", ORDER_RESERVATION_MINUTES: "60" });
    expect(settings.orderRateLimit()).toEqual({ limit: 10, windowSeconds: 60 });
    expect(settings.holdLimits()).toEqual({ email: { orders: 3, units: 30, perProduct: 10 } });
    expect(settings.reservationMinutes()).toBe(60);
    expect(readSettings({ ORDER_RATE_LIMIT: "off" }).orderRateLimit()).toBeUndefined();
    expect(readSettings({}).holdLimits()).toEqual({});
  });

  it.each([
    ["SWEEP_GRACE_SECONDS", "86400", 86_400],
    ["STRIPE_TIMEOUT_MS", "100", 100],
    ["STRIPE_TIMEOUT_MS", "60000", 60_000],
  ])("accepts %s=%s at the edge of its range", (name, value, expected) => {
    const settings = readSettings({ [name]: value });
    expect(name === "SWEEP_GRACE_SECONDS" ? settings.sweepGraceSeconds() : settings.stripeTimeoutMs()).toBe(expected);
  });

  it.each([
    ["SWEEP_GRACE_SECONDS", "86401"],
    ["STRIPE_TIMEOUT_MS", "99"],
    ["STRIPE_TIMEOUT_MS", "60001"],
    ["STRIPE_API_BASE_URL", "ftp://127.0.0.1"],
    ["STOREFRONT_URL", "javascript:alert(1)"],
  ])("refuses %s=%s just past its range", (name, value) => {
    const settings = readSettings({ [name]: value });
    const read = { SWEEP_GRACE_SECONDS: settings.sweepGraceSeconds, STRIPE_TIMEOUT_MS: settings.stripeTimeoutMs, STRIPE_API_BASE_URL: settings.stripeApiBaseUrl, STOREFRONT_URL: settings.storefrontUrl }[name]!;
    expect(read).toThrow(`${name}=${value} is not valid`);
  });
});
