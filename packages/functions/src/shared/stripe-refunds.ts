// The refund gateway over the container's Stripe client (the console's refund route only).
import { createStripeRefundGateway } from "@shopwave/core/payments/stripe-refund-gateway";
import { stripe } from "./stripe";

export const refundGateway = createStripeRefundGateway(stripe);
