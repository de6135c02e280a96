// Handler settings read from the environment: documented defaults, values parsed, and a bad value
// refused with an error that names the variable and says what it accepts (what an operator reads
// in the cold start's failure).
import { describe, expect, it, vi } from "vitest";
import { readSettings } from "./settings";

/** readSettings as a cold start gets it: the module evaluated afresh (its shared schemas included). */
async function coldReadSettings() {
  vi.resetModules();
  return (await import("./settings")).readSettings;
}

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
    ["SWEEP_GRACE_SECONDS", "five minutes", "SWEEP_GRACE_SECONDS=five minutes is not valid: use whole seconds from 0 to 86400."],
    ["SWEEP_GRACE_SECONDS", "-1", "SWEEP_GRACE_SECONDS=-1 is not valid: use whole seconds from 0 to 86400."],
    ["SWEEP_GRACE_SECONDS", "1.5", "SWEEP_GRACE_SECONDS=1.5 is not valid: use whole seconds from 0 to 86400."],
    ["STOREFRONT_URL", "shop.example.com", "STOREFRONT_URL=shop.example.com is not valid: use an http(s) URL."],
    ["STRIPE_TIMEOUT_MS", "0", "STRIPE_TIMEOUT_MS=0 is not valid: use milliseconds from 100 to 60000."],
    ["STRIPE_API_BASE_URL", "localhost:12111", "STRIPE_API_BASE_URL=localhost:12111 is not valid: use an http(s) URL, or nothing for Stripe itself."],
    ["AUTH_ISSUER_URL", "auth.example.com", "AUTH_ISSUER_URL=auth.example.com is not valid: use the issuer's http(s) URL."],
  ])("refuses %s=%s with an error naming it and what it accepts", (name, value, message) => {
    const settings = readSettings({ [name]: value });
    const read = {
      SWEEP_GRACE_SECONDS: settings.sweepGraceSeconds,
      STOREFRONT_URL: settings.storefrontUrl,
      STRIPE_TIMEOUT_MS: settings.stripeTimeoutMs,
      STRIPE_API_BASE_URL: settings.stripeApiBaseUrl,
      AUTH_ISSUER_URL: settings.authIssuerUrl,
    }[name]!;
    expect(read).toThrow(message);
  });

  it("refuses an unset AUTH_ISSUER_URL (the token check pins it) and reads a set one without its trailing slash", () => {
    expect(() => readSettings({}).authIssuerUrl()).toThrow("AUTH_ISSUER_URL=undefined is not valid: use the issuer's http(s) URL.");
    expect(readSettings({ AUTH_ISSUER_URL: "https://auth.example.com/" }).authIssuerUrl()).toBe("https://auth.example.com");
  });

  it("reads the operators' emails normalized, blanks dropped, and none when unset", () => {
    expect(readSettings({ OPERATOR_EMAILS: " Ops@Example.com ,,second@example.com, " }).operatorEmails()).toEqual(new Set(["ops@example.com", "second@example.com"]));
    expect(readSettings({}).operatorEmails()).toEqual(new Set());
    expect(readSettings({ OPERATOR_EMAILS: "" }).operatorEmails()).toEqual(new Set());
  });

  it("reads the order limits and the reservation window from their variables", () => {
    const settings = readSettings({ ORDER_RATE_LIMIT: "10/60s", ORDER_HOLDS_PER_EMAIL: "orders=3,units=30,perProduct=10", ORDER_RESERVATION_MINUTES: "60" });
    expect(settings.orderRateLimit()).toEqual({ limit: 10, windowSeconds: 60 });
    expect(settings.holdLimits()).toEqual({ email: { orders: 3, units: 30, perProduct: 10 } });
    expect(settings.reservationMinutes()).toBe(60);
    expect(readSettings({ ORDER_RATE_LIMIT: "off" }).orderRateLimit()).toBeUndefined();
    expect(() => readSettings({ ORDER_RATE_LIMIT: "0/60s" }).orderRateLimit()).toThrow("ORDER_RATE_LIMIT=0/60s is not valid");
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
    ["STOREFRONT_URL", "xhttps://shop.example.com"],
    ["STRIPE_API_BASE_URL", "https+evil://127.0.0.1"],
  ])("refuses %s=%s just past its range", async (name, value) => {
    const settings = (await coldReadSettings())({ [name]: value });
    const read = { SWEEP_GRACE_SECONDS: settings.sweepGraceSeconds, STRIPE_TIMEOUT_MS: settings.stripeTimeoutMs, STRIPE_API_BASE_URL: settings.stripeApiBaseUrl, STOREFRONT_URL: settings.storefrontUrl }[name]!;
    expect(read).toThrow(`${name}=${value} is not valid`);
  });
});
