// Typed domain errors. Each carries a stable machine-readable code and optional details; the
// HTTP layer (packages/functions) maps codes to status codes, core knows nothing of HTTP.

export type DomainErrorCode =
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "OUT_OF_STOCK"
  | "PAYMENT_PROVIDER_UNAVAILABLE"
  | "CONCURRENCY_LIMIT"
  | "RATE_LIMITED";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
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
  ) {
    super("PAYMENT_PROVIDER_UNAVAILABLE", message);
  }
}

/** The store kept rejecting a write for contention; the caller may try again shortly. */
export class ConcurrencyLimit extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("CONCURRENCY_LIMIT", message);
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
