// Stripe's idempotency keys: a POST repeated with the same key returns the first result (marked
// `Idempotent-Replayed`), the same key with other parameters is refused, and a request refused by
// parameter validation is not saved (it may be retried with the key once corrected).
import { StripeApiError } from "./stripe-api-error";
import type { Answer, RequestInfo, RestApi } from "./rest-api";

interface StoredIdempotentResult {
  method: string;
  path: string;
  fingerprint: string;
  answer: Answer;
}

export type IdempotentRestApi = (method: string, path: string, params: Record<string, unknown>, apiKey: string, request: RequestInfo) => Promise<Answer>;

/** Wraps the REST API with one idempotency store per secret key, kept for the simulator's life. */
export function withIdempotency(api: RestApi): IdempotentRestApi {
  const idempotentResults = new Map<string, StoredIdempotentResult>();
  return async (
    method: string,
    path: string,
    params: Record<string, unknown>,
    apiKey: string,
    request: RequestInfo,
  ): Promise<Answer> => {
    if (method !== "POST" || !request.idempotencyKey) return api(method, path, params, request);
    const storeKey = `${apiKey}\u0000${request.idempotencyKey}`;
    const fingerprint = JSON.stringify(params);
    const stored = idempotentResults.get(storeKey);
    if (stored) {
      if (stored.method !== method || stored.path !== path || stored.fingerprint !== fingerprint) {
        throw new StripeApiError(
          400,
          "idempotency_error",
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${request.idempotencyKey}' if you meant to execute a different request.`,
          "idempotency_key_in_use",
        );
      }
      return { ...stored.answer, headers: { ...stored.answer.headers, "idempotent-replayed": "true" } };
    }
    try {
      const answer = await api(method, path, params, request);
      idempotentResults.set(storeKey, { method, path, fingerprint, answer });
      return answer;
    } catch (error) {
      // Stripe saves the result of a request that started executing, errors included, but not
      // a request refused by parameter validation.
      if (error instanceof StripeApiError && error.statusCode !== 400 && error.statusCode < 500) {
        idempotentResults.set(storeKey, { method, path, fingerprint, answer: { status: error.statusCode, body: error.toBody() } });
      }
      throw error;
    }
  };
}
