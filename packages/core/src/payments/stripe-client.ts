// One way to build the Stripe SDK client. `apiBaseUrl` points it at another host speaking
// Stripe's API (the local simulator); unset, it talks to Stripe itself.
import Stripe from "stripe";

export interface StripeClientOptions {
  /**
   * Per-attempt timeout. With two retries the worst case is about 3× this plus backoff, which must
   * stay inside the calling Lambda's timeout (create-order: 20 s), or the function dies before it
   * can release the reservation and answer 503.
   */
  timeoutMs?: number;
}

export const DEFAULT_STRIPE_TIMEOUT_MS = 5_000;

export function createStripeClient(secretKey: string, apiBaseUrl?: string, options: StripeClientOptions = {}): Stripe {
  const target = apiBaseUrl ? new URL(apiBaseUrl) : undefined;
  return new Stripe(secretKey, {
    // The SDK retries connection errors, 409s, 429s and 5xx with the same idempotency key.
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? DEFAULT_STRIPE_TIMEOUT_MS,
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
