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
// fixtures, keeps no state and sends no webhooks. This module is the server that puts the parts
// together: rest-api (routes), idempotency, api-request (auth, parsing, headers),
// hosted-page-handler, stripe-faults, checkout-sessions (state), webhook-deliveries.
import http, { type IncomingMessage } from "node:http";
import { listen, urlHost } from "../process/listen";
import { createLocalLog } from "../process/log";
import { createApiRequestHandler } from "./api-request";
import { CheckoutSessions, type StripeObject } from "./checkout-sessions";
import { createHostedPageHandler } from "./hosted-page-handler";
import { withIdempotency } from "./idempotency";
import { createRestApi } from "./rest-api";
import { StripeApiError } from "./stripe-api-error";
import { SIMULATOR_API_VERSION, StripeEvents } from "./stripe-events";
import { StripeFaults, type StripeFault } from "./stripe-faults";
import { stripeId } from "./stripe-ids";
import { WebhookDeliveries, type WebhookDelivery, type WebhookEndpoint, type WebhookRetry } from "./webhook-deliveries";

export type { StripeFault } from "./stripe-faults";

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
  const requestCounts = new Map<string, number>();
  const faults = new StripeFaults();
  const handleApi = createApiRequestHandler(withIdempotency(createRestApi({ sessions, events, requestCounts, clock })));
  const handlePage = createHostedPageHandler({ sessions, merchantName, clock });

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
          const fault = faults.take(method, url.pathname);
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
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
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
