// The order events' one schema as consumers parse it off their queues: a known event in its bus
// envelope is accepted; a detail-type that disagrees with the event, an unknown version or type,
// or a body that is not JSON throws (the message is retried, then parked), never guessed at.
import { describe, expect, it } from "vitest";
import { ORDER_EVENT_SOURCE, orderEventId, parseOrderEventMessage, type OrderEvent } from "./order-event";

const orderId = "ord_0123456789abcdefghjkmnpqrs";
const confirmed: OrderEvent = {
  type: "OrderConfirmed",
  id: orderEventId(orderId, "OrderConfirmed"),
  version: 1,
  occurredAt: "2030-01-01T12:00:00.000Z",
  orderId,
  email: "a@example.com",
  items: [{ productId: "mug", name: "Mug", quantity: 2, unitPriceCents: 1250 }],
  totalCents: 2500,
  currency: "usd",
  paymentIntentId: "pi_1",
  checkoutSessionId: "cs_1",
};
const envelope = (detail: unknown, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ id: "evt-1", source: ORDER_EVENT_SOURCE, "detail-type": "OrderConfirmed", time: "2030-01-01T12:00:01Z", detail, ...overrides });

describe("order events", () => {
  it("orderEventId: one id per order, transition and version", () => {
    expect(orderEventId(orderId, "OrderPlaced")).toBe(`${orderId}:OrderPlaced:v1`);
    expect(ORDER_EVENT_SOURCE).toBe("shopwave.orders");
  });

  it("parses an order event from its envelope", () => {
    expect(parseOrderEventMessage(envelope(confirmed))).toEqual(confirmed);
  });

  it.each([
    ["a detail-type other than the event's type", envelope(confirmed, { "detail-type": "OrderCancelled" })],
    ["another source", envelope(confirmed, { source: "someone.else" })],
    ["an unknown version", envelope({ ...confirmed, version: 2 })],
    ["an unknown type", envelope({ ...confirmed, type: "OrderShipped" }, { "detail-type": "OrderShipped" })],
    ["a confirmation without its payment", envelope({ ...confirmed, paymentIntentId: undefined })],
    ["an event without lines", envelope({ ...confirmed, items: [] })],
    ["a body that is not JSON", "{not json"],
  ])("throws on %s", (_name, body) => {
    expect(() => parseOrderEventMessage(body)).toThrow();
  });

  it("says which types disagree", () => {
    expect(() => parseOrderEventMessage(envelope({ ...confirmed, type: "OrderRefunded" }))).toThrow("detail-type OrderConfirmed does not match the event's type OrderRefunded.");
  });
});
