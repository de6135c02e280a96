// A local stand-in for Stripe, speaking Stripe's wire protocol to the real `stripe` SDK:
//
// - REST: the calls Shopwave makes (Checkout Sessions create/retrieve/list/expire/line items,
//   PaymentIntents and Events retrieve/list) and refunds (as an operator makes them), form-encoded requests parsed as Stripe parses them
//   (`a[b][0]=c`), Stripe-shaped objects, Stripe's error bodies and status codes, API-key auth,
//   and idempotency keys (a replay returns the first result; other parameters are refused).
// - The hosted payment page at each session's `url`, honouring Stripe's test cards and test bank
//   accounts, redirecting to `success_url` on payment.
// - Events for every state change, delivered to the configured webhook endpoints, signed as
//   Stripe signs them and retried with backoff until acknowledged.
// - Expiry of sessions when `expires_at` passes, and on `POST …/expire`.
// - Faults on demand (errors, slow answers, dropped connections) for reliability tests.
//
// Hand-written because no npm package does this: stripe-mock (a Go binary) returns canned
// fixtures, keeps no state and sends no webhooks.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import qs from "qs";
import { listen, urlHost } from "../process/listen";
import { createLocalLog } from "../process/log";
import { parseCheckoutSessionCreateParams, parseRefundCreateParams } from "./stripe-params";
import { CheckoutSessions, type PaymentAttempt, type StripeObject } from "./checkout-sessions";
import { renderCheckoutPage, renderUnknownSession, type CheckoutFormState } from "./hosted-checkout-page";
import { StripeApiError, type StripeErrorType } from "./stripe-api-error";
import { SIMULATOR_API_VERSION, StripeEvents } from "./stripe-events";
import { stripeId } from "./stripe-ids";
import { WebhookDeliveries, type WebhookDelivery, type WebhookEndpoint, type WebhookRetry } from "./webhook-deliveries";

const log = createLocalLog("stripe");

export interface StripeSimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  webhookEndpoints: readonly WebhookEndpoint[];
  webhookRetry?: WebhookRetry;
  /** Shown on the hosted page. */
  merchantName?: string;
  /** How long a test ACH debit takes to settle or fail; null leaves it to settleBankDebit(). */
  bankDebitSettleMs?: number | null;
  /** How often sessions past `expires_at` are expired. */
  expiryCheckIntervalMs?: number;
  /** The simulator's clock (tests move it forward to reach `expires_at`). */
  now?: () => Date;
}

export type StripeFault = {
  /** e.g. "POST"; any method when absent. */
  method?: string;
  /** A path prefix such as "/v1/checkout/sessions"; any path when absent. */
  path?: string;
  /** How many matching requests it affects; every one when absent. */
  times?: number;
} & (
  | { kind: "error"; status: number; type?: StripeErrorType; message?: string }
  /** Answers normally, but only after this long (lets the client's timeout fire). */
  | { kind: "delay"; delayMs: number }
  /** Resets the connection: before the request is processed, or after (the response is lost). */
  | { kind: "drop"; when: "before" | "after" }
);

export interface StripeSimulator {
  url: string;
  port: number;
  /** Every webhook delivery so far, with its state. */
  readonly deliveries: readonly WebhookDelivery[];
  whenDeliveriesSettled(): Promise<void>;
  getSession(id: string): StripeObject | undefined;
  /** Settles a session's pending bank debit now instead of after bankDebitSettleMs. */
  settleBankDebit(sessionId: string): boolean;
  /** Counts of REST requests by `METHOD /path-template`, to assert e.g. how many sessions were created. */
  readonly requestCounts: ReadonlyMap<string, number>;
  injectFault(fault: StripeFault): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface StoredIdempotentResult {
  method: string;
  path: string;
  fingerprint: string;
  answer: Answer;
}

export async function startStripeSimulator(options: StripeSimulatorOptions): Promise<StripeSimulator> {
  const host = options.host ?? "127.0.0.1";
  const merchantName = options.merchantName ?? "Shopwave";
  const clock = options.now ?? (() => new Date());
  let baseUrl = "";
  const timers = new Set<NodeJS.Timeout>();
  const events = new StripeEvents();
  const webhooks = new WebhookDeliveries({
    endpoints: options.webhookEndpoints,
    ...(options.webhookRetry ? { retry: options.webhookRetry } : {}),
    onAttemptFailed: (delivery, retryInMs) => {
      const why = delivery.lastStatus === null ? (delivery.lastError ?? "no response") : `HTTP ${delivery.lastStatus}`;
      if (retryInMs === null) log.error(`webhook ${delivery.type} ${delivery.eventId} gave up after ${delivery.attempts} attempts (${why})`);
      else log.warn(`webhook ${delivery.type} ${delivery.eventId} attempt ${delivery.attempts} failed (${why}); retrying in ${retryInMs} ms`);
    },
  });
  const sessions = new CheckoutSessions({
    hostedPageBaseUrl: () => baseUrl,
    bankDebitSettleMs: options.bankDebitSettleMs === undefined ? 5_000 : options.bankDebitSettleMs,
    schedule: (run, delayMs) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, delayMs);
      timers.add(timer);
    },
    emit: (type, object, request) => {
      const event = events.record(type, object, clock(), request);
      event.pending_webhooks = webhooks.subscribersOf(type).length;
      log.info(`event ${type} ${event.id}`);
      webhooks.send(event);
    },
  });
  const idempotentResults = new Map<string, StoredIdempotentResult>();
  const requestCounts = new Map<string, number>();
  let faults: (StripeFault & { remaining: number })[] = [];

  // ------------------------------------------------------------------------------------------
  // REST API

  const api = async (method: string, path: string, params: Record<string, unknown>, request: RequestInfo): Promise<Answer> => {
    const now = clock();
    const segments = path.split("/").slice(2); // drop "" and "v1"
    const [resource, id, action] = segments.map((s) => decodeURIComponent(s));
    const count = (template: string) => requestCounts.set(`${method} ${template}`, (requestCounts.get(`${method} ${template}`) ?? 0) + 1);

    if (resource === "checkout" && id === "sessions") {
      const [, , sessionId, sub] = segments.map((s) => decodeURIComponent(s));
      if (method === "POST" && sessionId === undefined) {
        count("/v1/checkout/sessions");
        const parsed = parseCheckoutSessionCreateParams(params, now);
        return { status: 200, body: sessions.create(parsed, now) };
      }
      if (method === "GET" && sessionId === undefined) {
        count("/v1/checkout/sessions");
        return { status: 200, body: listPage(sessions.list(), params, "/v1/checkout/sessions") };
      }
      if (method === "GET" && sessionId && sub === undefined) {
        count("/v1/checkout/sessions/{id}");
        return { status: 200, body: sessions.retrieve(sessionId) };
      }
      if (method === "GET" && sessionId && sub === "line_items") {
        count("/v1/checkout/sessions/{id}/line_items");
        return { status: 200, body: listPage(sessions.lineItems(sessionId), params, `/v1/checkout/sessions/${sessionId}/line_items`) };
      }
      if (method === "POST" && sessionId && sub === "expire") {
        count("/v1/checkout/sessions/{id}/expire");
        return { status: 200, body: sessions.expire(sessionId, request) };
      }
    }
    if (resource === "refunds" && method === "POST" && id === undefined) {
      count("/v1/refunds");
      return { status: 200, body: sessions.createRefund(parseRefundCreateParams(params), now, request) };
    }
    if (resource === "payment_intents" && method === "GET" && id && action === undefined) {
      count("/v1/payment_intents/{id}");
      return { status: 200, body: sessions.retrievePaymentIntent(id) };
    }
    if (resource === "events" && method === "GET") {
      if (id === undefined) {
        count("/v1/events");
        const type = typeof params.type === "string" ? params.type : undefined;
        return { status: 200, body: listPage(events.list(type), params, "/v1/events") };
      }
      if (action === undefined) {
        count("/v1/events/{id}");
        return { status: 200, body: events.retrieve(id) };
      }
    }
    throw new StripeApiError(
      404,
      "invalid_request_error",
      `Unrecognized request URL (${method}: ${path}). The Stripe simulator implements the Checkout Sessions, PaymentIntents, Refunds and Events calls Shopwave uses.`,
    );
  };

  const withIdempotency = async (
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

  const handleApi = async (req: IncomingMessage, path: string, query: string, body: string): Promise<Answer> => {
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
      answer = await withIdempotency(method, path, params as Record<string, unknown>, apiKey, request);
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

  // ------------------------------------------------------------------------------------------
  // Hosted payment page

  const viewOf = (sessionId: string) => {
    const view = sessions.pageView(sessionId);
    return view ? { ...view, sessionId, merchantName } : undefined;
  };

  const handlePage = (req: IncomingMessage, res: ServerResponse, path: string, body: string) => {
    const match = /^\/c\/pay\/([A-Za-z0-9_]+)(\/bank)?$/.exec(path);
    const html = (status: number, content: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-frame-options": "DENY" });
      res.end(content);
    };
    const sessionId = match?.[1];
    const view = sessionId ? viewOf(sessionId) : undefined;
    if (!match || !sessionId || !view) return html(404, renderUnknownSession());
    if (req.method === "GET" || req.method === "HEAD") return html(200, renderCheckoutPage(view));
    if (req.method !== "POST") return html(405, renderCheckoutPage(view));

    const form = new URLSearchParams(body);
    const value = (name: string) => form.get(name) ?? "";
    const isBank = match[2] === "/bank";
    const attempt: PaymentAttempt = isBank
      ? sessions.payWithBankDebit(
          sessionId,
          { email: value("bankEmail"), routingNumber: value("routingNumber"), accountNumber: value("accountNumber"), name: value("accountHolder") },
          clock(),
        )
      : sessions.payWithCard(
          sessionId,
          { email: value("email"), number: value("cardNumber"), expiry: value("cardExpiry"), cvc: value("cardCvc"), name: value("billingName") },
          clock(),
        );
    const formName = isBank ? "bank" : "card";
    const values = Object.fromEntries(form);
    switch (attempt.kind) {
      case "redirect":
        log.info(`session ${sessionId} ${isBank ? "bank debit authorised" : "paid"}`);
        res.writeHead(303, { location: attempt.location, "cache-control": "no-store" });
        res.end();
        return;
      case "declined": {
        log.info(`session ${sessionId} card declined: ${attempt.message}`);
        const state: CheckoutFormState = { alert: attempt.message, form: formName, invalidField: "cardNumber", values };
        return html(200, renderCheckoutPage(view, state));
      }
      case "invalid": {
        const field = attempt.field === "email" && isBank ? "bankEmail" : attempt.field;
        return html(400, renderCheckoutPage(view, { alert: attempt.message, form: formName, invalidField: field, values }));
      }
      case "not_open":
        return html(409, renderCheckoutPage(viewOf(sessionId)!));
    }
  };

  // ------------------------------------------------------------------------------------------
  // Server

  const takeFault = (method: string, path: string): StripeFault | undefined => {
    const fault = faults.find((f) => (!f.method || f.method === method) && (!f.path || path.startsWith(f.path)) && f.remaining > 0);
    if (fault) fault.remaining--;
    return fault;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://simulator");
    const method = (req.method ?? "GET").toUpperCase();
    readBody(req)
      .then(async (body) => {
        if (body === undefined) {
          res.writeHead(413, { "content-type": "application/json" });
          res.end(JSON.stringify(new StripeApiError(413, "invalid_request_error", "Request body too large.").toBody()));
          return;
        }
        if (url.pathname.startsWith("/v1/")) {
          const fault = takeFault(method, url.pathname);
          if (fault?.kind === "error") {
            const error = new StripeApiError(fault.status, fault.type ?? (fault.status === 429 ? "rate_limit_error" : "api_error"), fault.message ?? "Injected fault.");
            res.writeHead(fault.status, { "content-type": "application/json", "request-id": stripeId("req", 14) });
            res.end(JSON.stringify(error.toBody()));
            return;
          }
          if (fault?.kind === "drop" && fault.when === "before") {
            req.socket.destroy();
            return;
          }
          if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
          const answer = await handleApi(req, url.pathname, url.search.slice(1), body);
          // A dropped answer: the request took effect but the client never hears of it, so it
          // must retry with the same idempotency key.
          if (fault?.kind === "drop") {
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.status, answer.headers);
          res.end(JSON.stringify(answer.body, null, 2));
          return;
        }
        if (url.pathname.startsWith("/c/pay/")) return handlePage(req, res, url.pathname, body);
        if (url.pathname === "/" && method === "GET") {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ name: "Shopwave Stripe simulator", apiVersion: SIMULATOR_API_VERSION, webhookEndpoints: options.webhookEndpoints.map((e) => e.url) }));
          return;
        }
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify(new StripeApiError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${url.pathname}).`).toBody()));
      })
      .catch((error: unknown) => {
        log.error(`${method} ${url.pathname}: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end();
      });
  });
  server.keepAliveTimeout = 5_000;

  const port = await listen(server, options.port ?? 0, host);
  baseUrl = `http://${urlHost(host)}:${port}`;

  const expiryTimer = setInterval(() => sessions.expireDue(clock()), options.expiryCheckIntervalMs ?? 1_000);
  expiryTimer.unref();

  let stopped: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    get deliveries() {
      return webhooks.deliveries;
    },
    whenDeliveriesSettled: () => webhooks.whenSettled(),
    getSession: (id) => (sessions.pageView(id) ? sessions.retrieve(id) : undefined),
    settleBankDebit: (sessionId) => sessions.settleBankDebit(sessionId),
    requestCounts,
    injectFault: (fault) => {
      faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults: () => {
      faults = [];
    },
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(expiryTimer);
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        webhooks.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
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

/** Stripe's list object with `limit` (default 10, at most 100) and `starting_after` cursors. */
function listPage(items: readonly (StripeObject | { id: string })[], params: Record<string, unknown>, url: string) {
  const limitParam = params.limit === undefined ? 10 : Number(params.limit);
  if (!Number.isInteger(limitParam) || limitParam < 1 || limitParam > 100) {
    throw new StripeApiError(400, "invalid_request_error", "Invalid limit: must be an integer between 1 and 100.", "parameter_invalid_integer", "limit");
  }
  let start = 0;
  if (typeof params.starting_after === "string") {
    const index = items.findIndex((item) => (item as { id?: unknown }).id === params.starting_after);
    if (index === -1) throw new StripeApiError(400, "invalid_request_error", `No such object: '${params.starting_after}'`, "resource_missing", "starting_after");
    start = index + 1;
  }
  const data = items.slice(start, start + limitParam);
  return { object: "list", data, has_more: start + limitParam < items.length, url };
}

/** The body as text, or undefined when it exceeds the limit. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
