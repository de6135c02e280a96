// Errors in the shape Stripe's API returns them, `{ "error": { type, code?, message, param? } }`
// with Stripe's status codes, so the stripe SDK raises the same error classes it would
// against api.stripe.com (StripeInvalidRequestError, StripeAuthenticationError, …).

export type StripeErrorType = "invalid_request_error" | "api_error" | "card_error" | "idempotency_error" | "rate_limit_error";

export class StripeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = "StripeApiError";
  }

  toBody(): { error: Record<string, string> } {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.code ? { code: this.code, doc_url: `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, "-")}` } : {}),
        ...(this.param ? { param: this.param } : {}),
      },
    };
  }
}

export const noSuchObject = (kind: string, id: string, param = "id") =>
  new StripeApiError(404, "invalid_request_error", `No such ${kind}: '${id}'`, "resource_missing", param);

export const unknownParameter = (param: string) =>
  new StripeApiError(400, "invalid_request_error", `Received unknown parameter: ${param}`, "parameter_unknown", param);

export const missingParameter = (param: string) =>
  new StripeApiError(400, "invalid_request_error", `Missing required param: ${param}.`, "parameter_missing", param);

export const invalidParameter = (param: string, message: string) =>
  new StripeApiError(400, "invalid_request_error", message, "parameter_invalid", param);
