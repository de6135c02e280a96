// The simulator's event log: every event it emits, retrievable and listable through the API
// (`GET /v1/events/{id}`, `GET /v1/events`) as on Stripe, so an operator can replay one.
import { stripeId } from "./stripe-ids";
import { noSuchObject } from "./stripe-api-error";
import type { StripeObject } from "./checkout-sessions";

/** The API version the simulator stamps on events (the one the pinned stripe SDK requests). */
export const SIMULATOR_API_VERSION = "2026-10-28.endive";

export interface StripeEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: StripeObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export class StripeEvents {
  private readonly events: StripeEvent[] = [];
  private readonly byId = new Map<string, StripeEvent>();

  record(type: string, object: StripeObject, now: Date, request?: { id: string; idempotencyKey: string | null }): StripeEvent {
    const event: StripeEvent = {
      id: stripeId("evt"),
      object: "event",
      api_version: SIMULATOR_API_VERSION,
      created: Math.floor(now.getTime() / 1000),
      // A deep copy: later changes to the object must not rewrite history.
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 0,
      request: { id: request?.id ?? null, idempotency_key: request?.idempotencyKey ?? null },
      type,
    };
    this.events.push(event);
    this.byId.set(event.id, event);
    return event;
  }

  retrieve(id: string): StripeEvent {
    const event = this.byId.get(id);
    if (!event) throw noSuchObject("event", id);
    return event;
  }

  /** Newest first, optionally of one type. */
  list(type?: string): StripeEvent[] {
    const matching = type ? this.events.filter((event) => event.type === type) : this.events;
    return [...matching].reverse();
  }
}
