// RefundGateway on Stripe's Refunds API. The idempotency key comes from the operator's request id,
// so a double submit (or a retried request) creates one refund and answers both with it.
import type Stripe from "stripe";
import { DomainError, PaymentProviderUnavailable } from "../shared/domain-error";
import type { RefundGateway } from "./refund-gateway";

/** The provider refused the refund itself (amount, state, a reused key): retrying will not help. */
export class RefundRefused extends DomainError {
  constructor(message: string, providerCode: string | undefined) {
    super("REFUND_REFUSED", message, providerCode ? { providerCode } : undefined);
  }
}

export function createStripeRefundGateway(stripe: Stripe): RefundGateway {
  return {
    async createRefund(request) {
      try {
        const refund = await stripe.refunds.create(
          {
            payment_intent: request.paymentIntentId,
            amount: request.amountCents,
            reason: request.reason,
            metadata: { orderId: request.orderId, operatorId: request.operatorId, note: request.note.slice(0, 500) },
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return { refundId: refund.id, amountCents: refund.amount, status: refund.status ?? "pending" };
      } catch (error) {
        const type = (error as { type?: string }).type;
        if (type === "StripeInvalidRequestError" || type === "StripeIdempotencyError") {
          throw new RefundRefused((error as Error).message, (error as { code?: string }).code);
        }
        if (type === "StripeConnectionError" || type === "StripeAPIError" || type === "StripeRateLimitError") {
          throw new PaymentProviderUnavailable("The payment provider is unavailable; send the same refund again shortly.", 5, error);
        }
        throw error;
      }
    },
  };
}
