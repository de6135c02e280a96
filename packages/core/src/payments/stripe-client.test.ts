// Where the Stripe client sends its requests: Stripe's own API by default, or the base URL given
// (the local simulator over http, or an https endpoint), with the port the URL implies.
import { describe, expect, it } from "vitest";
import { createStripeClient } from "./stripe-client";

const target = (base?: string) => {
  const stripe = createStripeClient("sk_test_x", base);
  return { host: stripe.getApiField("host"), port: stripe.getApiField("port"), protocol: stripe.getApiField("protocol") };
};

describe("createStripeClient", () => {
  it("talks https on 443 to an https base URL without a port, http on 80 to an http one", () => {
    expect(target("https://stripe.example")).toEqual({ host: "stripe.example", port: 443, protocol: "https" });
    expect(target("http://127.0.0.1")).toEqual({ host: "127.0.0.1", port: 80, protocol: "http" });
  });

  it("keeps the port a base URL names", () => {
    expect(target("http://127.0.0.1:4010")).toEqual({ host: "127.0.0.1", port: 4010, protocol: "http" });
    expect(target("https://stripe.example:8443")).toEqual({ host: "stripe.example", port: 8443, protocol: "https" });
  });
});
