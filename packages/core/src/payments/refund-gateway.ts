// Operator refunds as an interface, beside the checkout one: the console's refund logic depends on
// this, not on Stripe, and the worker's automatic late-payment refund keeps its own narrower path.

/** Stripe's refund reasons; the operator's own words travel as a note in the refund's metadata. */
export type RefundReason = "requested_by_customer" | "duplicate" | "fraudulent";

export interface RefundRequest {
  paymentIntentId: string;
  /** Minor units; at most what is left unrefunded on the payment. */
  amountCents: number;
  reason: RefundReason;
  note: string;
  orderId: string;
  operatorId: string;
  /** The provider's idempotency key: one operator request is one refund however often it is sent. */
  idempotencyKey: string;
}

export interface RefundResult {
  refundId: string;
  amountCents: number;
  /** The provider's refund status: most card refunds succeed at once, some stay pending. */
  status: string;
}

export interface RefundGateway {
  /**
   * Throws RefundRefused when the provider refuses the request itself (more than is left, already
   * refunded, the key reused with other parameters) and PaymentProviderUnavailable when it cannot
   * be reached (the same request may be sent again: the idempotency key makes it one refund).
   */
  createRefund(request: RefundRequest): Promise<RefundResult>;
}
