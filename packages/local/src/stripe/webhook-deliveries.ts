// Sends events to the configured webhook endpoints the way Stripe does: one POST per event and
// endpoint, JSON body signed with the endpoint's secret (a fresh signature per attempt), only
// the event types the endpoint subscribed to, no ordering between events, and retries with
// exponential backoff until a 2xx (Stripe retries for three days; the local defaults are
// minutes, tests shorten them further).
import { stripeSignatureHeader } from "./webhook-signature";
import type { StripeEvent } from "./stripe-events";

export interface WebhookEndpoint {
  url: string;
  secret: string;
  /** Event types to send, or `["*"]` for all (Stripe's `enabled_events`). */
  enabledEvents?: readonly string[];
}

export interface WebhookRetry {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt timeout; Stripe gives an endpoint a few seconds to answer. */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  endpoint: string;
  attempts: number;
  state: "pending" | "delivered" | "failed";
  /** HTTP status of the last attempt, or null if it got no response. */
  lastStatus: number | null;
  lastError: string | null;
}

export interface WebhookDeliveriesOptions {
  endpoints: readonly WebhookEndpoint[];
  retry?: WebhookRetry;
  onAttemptFailed?: (delivery: WebhookDelivery, willRetryInMs: number | null) => void;
}

const USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

export class WebhookDeliveries {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly retry: Required<WebhookRetry>;
  private pending = 0;
  private settledWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: WebhookDeliveriesOptions) {
    this.retry = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 60_000, timeoutMs: 10_000, ...options.retry };
  }

  /** How many endpoints will receive this event type (Stripe's `pending_webhooks`). */
  subscribersOf(type: string): readonly WebhookEndpoint[] {
    return this.options.endpoints.filter((endpoint) => {
      const enabled = endpoint.enabledEvents ?? ["*"];
      return enabled.includes("*") || enabled.includes(type);
    });
  }

  send(event: StripeEvent): void {
    for (const endpoint of this.subscribersOf(event.type)) {
      const delivery: WebhookDelivery = {
        eventId: event.id,
        type: event.type,
        endpoint: endpoint.url,
        attempts: 0,
        state: "pending",
        lastStatus: null,
        lastError: null,
      };
      this.deliveries.push(delivery);
      this.pending++;
      // Stripe sends pretty-printed JSON; the receiver must verify these exact bytes.
      const payload = JSON.stringify(event, null, 2);
      void this.attempt(delivery, endpoint, payload);
    }
  }

  /** Resolves once no delivery is pending (each one delivered or out of attempts). */
  whenSettled(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  stop(): void {
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const delivery of this.deliveries) {
      if (delivery.state === "pending") this.finish(delivery, "failed");
    }
  }

  private async attempt(delivery: WebhookDelivery, endpoint: WebhookEndpoint, payload: string): Promise<void> {
    if (this.abort.signal.aborted) return;
    delivery.attempts++;
    try {
      const response = await fetch(endpoint.url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": USER_AGENT,
          "stripe-signature": stripeSignatureHeader(payload, endpoint.secret, Math.floor(Date.now() / 1000)),
        },
        body: payload,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.retry.timeoutMs)]),
      });
      await response.arrayBuffer(); // drain, so the connection is reused
      delivery.lastStatus = response.status;
      delivery.lastError = null;
      if (response.ok) {
        this.finish(delivery, "delivered");
        return;
      }
    } catch (error) {
      if (this.abort.signal.aborted) return;
      delivery.lastStatus = null;
      delivery.lastError = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
    if (delivery.attempts >= this.retry.maxAttempts) {
      this.options.onAttemptFailed?.(delivery, null);
      this.finish(delivery, "failed");
      return;
    }
    const delay = this.backoff(delivery.attempts);
    this.options.onAttemptFailed?.(delivery, delay);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery, endpoint, payload);
    }, delay);
    this.timers.add(timer);
  }

  /** Exponential backoff with jitter in [½, 1] of the step, capped. */
  private backoff(attempts: number): number {
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempts - 1));
    return Math.round(step * (0.5 + Math.random() / 2));
  }

  private finish(delivery: WebhookDelivery, state: "delivered" | "failed"): void {
    if (delivery.state !== "pending") return;
    delivery.state = state;
    this.pending--;
    if (this.pending === 0) {
      const waiters = this.settledWaiters;
      this.settledWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
