// One way to build the Stripe SDK client. `apiBaseUrl` points it at another host speaking
// Stripe's API (the local simulator); unset, it talks to Stripe itself.
import Stripe from "stripe";

export function createStripeClient(secretKey: string, apiBaseUrl?: string): Stripe {
  const target = apiBaseUrl ? new URL(apiBaseUrl) : undefined;
  return new Stripe(secretKey, {
    // The SDK retries connection errors, 409s, 429s and 5xx with the same idempotency key.
    maxNetworkRetries: 2,
    timeout: 10_000,
    appInfo: { name: "shopwave" },
    ...(target
      ? {
          host: target.hostname,
          port: Number(target.port || (target.protocol === "https:" ? 443 : 80)),
          protocol: target.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
}
