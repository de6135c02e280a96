// The payment operations core needs, as an interface: orders depend on this, not on Stripe,
// so the order logic is testable without a payment provider and the provider is swappable.

export interface CheckoutRequest {
  orderId: string;
  email: string;
  currency: string;
  lines: { productId: string; name: string; unitPriceCents: number; quantity: number }[];
  /** Epoch seconds; the session and the stock reservation lapse together. */
  expiresAt: number;
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutSessionRef {
  id: string;
  url: string;
}

/** The provider's own view of a Checkout Session: the truth an order is settled from. */
export interface CheckoutSessionState {
  id: string;
  status: "open" | "complete" | "expired";
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  paymentIntentId: string | undefined;
  /** Minor units. */
  amountTotal: number | undefined;
  /** Lower-case ISO code. */
  currency: string | undefined;
}

/** The provider's view of one payment (a Stripe PaymentIntent). */
export interface PaymentState {
  id: string;
  /**
   * `failed`: the attempt failed and this payment will not take money without the shopper
   * starting again (Stripe: requires_payment_method after an attempt, or canceled). `pending`:
   * anything that may still end in money (processing, requires_action, …).
   */
  status: "succeeded" | "pending" | "failed";
  /** The order it was created for (metadata set at checkout); undefined for a payment that is not ours. */
  orderId: string | undefined;
  amount: number;
  currency: string;
}

export interface CheckoutGateway {
  /** Must be idempotent per order: calling it twice for one order yields one session. */
  createSession(request: CheckoutRequest): Promise<CheckoutSessionRef>;
  getSession(sessionId: string): Promise<CheckoutSessionState>;
  /** Expires an open session; resolves with the session's state afterwards (already closed sessions are not an error). */
  expireSession(sessionId: string): Promise<CheckoutSessionState>;
  getPayment(paymentIntentId: string): Promise<PaymentState>;
  /**
   * Refunds a payment in full, at most once per payment however often it is called (the
   * provider's idempotency plus "already refunded" treated as done).
   */
  refundPayment(request: { paymentIntentId: string; orderId: string; why: string }): Promise<{ refundId: string | undefined }>;
}
