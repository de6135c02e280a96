// The Stripe client and the checkout gateway over it, built once per container.
// STRIPE_API_BASE_URL (unset on AWS) points the real SDK at another Stripe-speaking host.
import { createStripeCheckoutGateway } from "@shopwave/core/payments/stripe-checkout-gateway";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { Resource } from "sst";

export const stripe = createStripeClient(Resource.StripeSecretKey.value, process.env.STRIPE_API_BASE_URL || undefined);
export const checkoutGateway = createStripeCheckoutGateway(stripe);
