// Typed domain errors. Each carries a stable machine-readable code and optional details; the
// HTTP layer (packages/functions) maps codes to status codes, core knows nothing of HTTP.

export type DomainErrorCode =
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "OUT_OF_STOCK"
  | "PAYMENT_PROVIDER_UNAVAILABLE"
  | "CONCURRENCY_LIMIT"
  | "RATE_LIMITED"
  | "HOLD_LIMIT_REACHED"
  | "ORDER_NOT_CANCELLABLE"
  | "STOCK_ADJUSTMENT_REFUSED"
  | "ORDER_NOT_REFUNDABLE"
  | "REFUND_REFUSED";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: unknown,
    /** The failure underneath (e.g. the provider's error), kept for the log; never sent to clients. */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DomainError";
  }
}

export class ValidationFailed extends DomainError {
  constructor(message: string, details?: unknown) {
    super("VALIDATION_FAILED", message, details);
  }
}

export class NotFound extends DomainError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} was not found.`);
  }
}

export interface StockShortfall {
  productId: string;
  name: string;
  requested: number;
  available: number;
}

export class OutOfStock extends DomainError {
  constructor(readonly shortfalls: StockShortfall[]) {
    const names = shortfalls.map((s) => `${s.name} (${s.available} left, ${s.requested} requested)`).join(", ");
    super("OUT_OF_STOCK", `Not enough stock for: ${names}.`, { items: shortfalls });
  }
}

/** The payment provider failed after retries; the caller may try again later. */
export class PaymentProviderUnavailable extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    cause?: unknown,
  ) {
    super("PAYMENT_PROVIDER_UNAVAILABLE", message, undefined, { cause });
  }
}

/** The store kept rejecting a write for contention; the caller may try again shortly. */
export class ConcurrencyLimit extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    cause?: unknown,
  ) {
    super("CONCURRENCY_LIMIT", message, undefined, { cause });
  }
}

/** The caller used up its allowance for this window; it may try again after `retryAfterSeconds`. */
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("RATE_LIMITED", message);
  }
}

/** One cap a new order would have broken: whose, which, the cap, what is held and what was asked. */
export interface HoldLimitBreach {
  holder: "email" | "client";
  limit: "orders" | "units" | "perProduct";
  productId?: string;
  max: number;
  /** What the holder already has reserved (unknown when the request alone is over the cap). */
  held?: number;
  requested: number;
}

/**
 * The holder already keeps as much stock reserved in unpaid orders as one holder may. Paying for
 * or cancelling a pending order frees its hold at once; otherwise it lapses with the reservation.
 */
export class HoldLimitReached extends DomainError {
  constructor(
    readonly breaches: HoldLimitBreach[],
    /** Seconds until the holder's latest reservation lapses; absent when waiting would not help. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(
      "HOLD_LIMIT_REACHED",
      retryAfterSeconds === undefined
        ? "This order is larger than one customer may hold at once."
        : "You already hold as much stock in unpaid orders as one customer may. Pay for or cancel a pending order, or try again once it lapses.",
      { limits: breaches },
    );
  }
}

/** An operator's stock change that would leave fewer than zero units available (some are reserved or were just ordered). */
export class StockAdjustmentRefused extends DomainError {
  constructor(
    readonly productId: string,
    readonly levels: { available: number; reserved: number },
    readonly requested: { set: number } | { add: number },
  ) {
    super(
      "STOCK_ADJUSTMENT_REFUSED",
      "set" in requested
        ? `Cannot set ${productId} to ${requested.set} on hand: ${levels.reserved} are reserved by unpaid orders.`
        : `Cannot remove ${-requested.add} of ${productId}: only ${levels.available} are available.`,
      { productId, available: levels.available, reserved: levels.reserved, requested },
    );
  }
}
