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

export interface CheckoutSessionState {
  id: string;
  status: "open" | "complete" | "expired";
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  paymentIntentId: string | undefined;
}

export interface CheckoutGateway {
  /** Must be idempotent per order: calling it twice for one order yields one session. */
  createSession(request: CheckoutRequest): Promise<CheckoutSessionRef>;
  getSession(sessionId: string): Promise<CheckoutSessionState>;
  /** Expires an open session; resolves with the session's state afterwards (already closed sessions are not an error). */
  expireSession(sessionId: string): Promise<CheckoutSessionState>;
  /** The order a payment was for (set at checkout), or undefined for a payment that is not ours. */
  orderIdOfPayment(paymentIntentId: string): Promise<string | undefined>;
}
