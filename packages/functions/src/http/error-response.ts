// Maps every failure to its HTTP answer. Client mistakes become 4xx with the error shape;
// anything unexpected becomes a 500 with a generic message (the details go to the log only).
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import { DomainError, type DomainErrorCode } from "@shopwave/core/shared/domain-error";
import { HttpError } from "./http-error";
import { errorResponse } from "./json-response";

const statusByCode: Record<DomainErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  OUT_OF_STOCK: 409,
  PAYMENT_PROVIDER_UNAVAILABLE: 503,
  CONCURRENCY_LIMIT: 503,
  RATE_LIMITED: 429,
  // Too much held at once by one customer: like a rate limit, it passes (pay, cancel or wait).
  HOLD_LIMIT_REACHED: 429,
  ORDER_NOT_CANCELLABLE: 409,
  STOCK_ADJUSTMENT_REFUSED: 409,
  ORDER_NOT_REFUNDABLE: 409,
  // The payment provider refused the refund itself (more than is left, a reused request id).
  REFUND_REFUSED: 409,
};

/** Throttling that outlasted the SDK's retries: a capacity problem, not a bug, so 503 + Retry-After. */
const throttlingErrorNames = new Set(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"]);

/**
 * A dependency unreachable after the SDK's retries (connection refused or reset, DNS, a request
 * timeout): the network, not the request, so an outage like a server-side fault.
 */
const networkErrorCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function isDependencyOutage(error: Error): boolean {
  const { $fault: fault, code } = error as { $fault?: string; code?: string };
  const unreachable = (code !== undefined && networkErrorCodes.has(code)) || error.name === "TimeoutError";
  return throttlingErrorNames.has(error.name) || fault === "server" || unreachable;
}

/** How deep a chain of causes is followed (libraries wrap once or twice; a cycle must not hang). */
const MAX_CAUSE_DEPTH = 5;

/**
 * A dependency (DynamoDB, SQS) failing on its side or unreachable after the SDK's retries, also
 * when a library wrapped it (Powertools' idempotency rethrows the store's error as its cause): the
 * client may retry, so the answer is 503 with Retry-After rather than a 500 that blames the
 * request. Returns undefined for anything else.
 */
export function dependencyOutageResponse(error: unknown): APIGatewayProxyStructuredResultV2 | undefined {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < MAX_CAUSE_DEPTH; depth++) {
    if (isDependencyOutage(current)) {
      return errorResponse(503, "SERVICE_UNAVAILABLE", "The service is busy; please try again shortly.", undefined, { "retry-after": "1" });
    }
    current = current.cause;
  }
  return undefined;
}

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/** Returns the response for a known failure, or undefined for a bug/outage the caller must log. */
export function knownErrorResponse(error: unknown): APIGatewayProxyStructuredResultV2 | undefined {
  if (error instanceof HttpError) return errorResponse(error.statusCode, error.code, error.message, error.details);
  if (error instanceof z.ZodError) {
    return errorResponse(400, "VALIDATION_FAILED", "The request is not valid.", zodIssues(error));
  }
  if (error instanceof DomainError) {
    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    return errorResponse(
      statusByCode[error.code],
      error.code,
      error.message,
      error.details,
      retryAfter === undefined ? {} : { "retry-after": String(retryAfter) },
    );
  }
  return undefined;
}

export const internalErrorResponse = () =>
  errorResponse(500, "INTERNAL_ERROR", "Something went wrong on our side. Please try again.");
