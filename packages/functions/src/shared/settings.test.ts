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
});
