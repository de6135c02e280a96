// The Stripe client and the checkout gateway over it, built once per container.
// STRIPE_API_BASE_URL (unset on AWS) points the real SDK at another Stripe-speaking host;
// STRIPE_TIMEOUT_MS tunes the per-attempt timeout (see createStripeClient).
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { Resource } from "sst";
import { settings } from "./settings";

const timeoutMs = settings.stripeTimeoutMs();

export const stripe = createStripeClient(Resource.StripeSecretKey.value, settings.stripeApiBaseUrl(), {
  ...(timeoutMs ? { timeoutMs } : {}),
});
export const checkoutGateway = createStripeCheckoutGateway(stripe);
