// One REST request as Stripe handles it: the API key from Bearer or Basic auth (test-mode keys
// only), form-encoded parameters parsed as Stripe parses them (`a[b][0]=c`), Stripe's response
// headers (`Request-Id`, `Stripe-Version`, `Idempotency-Key`), and errors as Stripe's error bodies.
import type { IncomingMessage } from "node:http";
import qs from "qs";
import { createLocalLog } from "../process/log";
import type { IdempotentRestApi } from "./idempotency";
import type { Answer, RequestInfo } from "./rest-api";
import { StripeApiError } from "./stripe-api-error";
import { SIMULATOR_API_VERSION } from "./stripe-events";
import { stripeId } from "./stripe-ids";

const log = createLocalLog("stripe");

export type ApiRequestHandler = (req: IncomingMessage, path: string, query: string, body: string) => Promise<Answer>;

export function createApiRequestHandler(api: IdempotentRestApi): ApiRequestHandler {
  return async (req: IncomingMessage, path: string, query: string, body: string): Promise<Answer> => {
    const request: RequestInfo = { id: stripeId("req", 14), idempotencyKey: header(req, "idempotency-key") ?? null };
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "request-id": request.id,
      "stripe-version": header(req, "stripe-version") ?? SIMULATOR_API_VERSION,
      ...(request.idempotencyKey ? { "idempotency-key": request.idempotencyKey } : {}),
    };
    let answer: Answer;
    try {
      const apiKey = apiKeyOf(req);
      const method = (req.method ?? "GET").toUpperCase();
      const params = qs.parse(method === "GET" || method === "DELETE" ? query : body, { depth: 10, arrayLimit: 1000, parameterLimit: 5000 });
      answer = await api(method, path, params as Record<string, unknown>, apiKey, request);
    } catch (error) {
      if (error instanceof StripeApiError) {
        answer = { status: error.statusCode, body: error.toBody() };
      } else {
        log.error(`${req.method} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        answer = { status: 500, body: new StripeApiError(500, "api_error", "An unexpected error occurred in the Stripe simulator.").toBody() };
      }
    }
    return { ...answer, headers: { ...headers, ...answer.headers } };
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}


/** The secret key from `Authorization: Bearer sk_test_…` or HTTP Basic (`curl -u sk_test_…:`). */
function apiKeyOf(req: IncomingMessage): string {
  const authorization = header(req, "authorization") ?? "";
  let key: string | undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (bearer) key = bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(authorization);
  if (basic) key = Buffer.from(basic[1]!, "base64").toString("utf8").split(":")[0];
  if (!key) {
    throw new StripeApiError(
      401,
      "invalid_request_error",
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  if (!/^(sk|rk)_test_\w+$/.test(key)) {
    throw new StripeApiError(401, "invalid_request_error", `Invalid API Key provided: ${key.slice(0, 8)}…. The Stripe simulator accepts test-mode secret keys (sk_test_…) only.`);
  }
  return key;
}

