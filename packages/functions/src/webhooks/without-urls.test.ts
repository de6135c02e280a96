// The event as queued: every URL gone (fields Stripe names as URLs whatever they hold, and any
// string that is or contains a URL, in objects and arrays at any depth), everything else as sent.
import { describe, expect, it } from "vitest";
import { toPaymentEvent, StripeEventEnvelope } from "@shopwave/core/payments/payment-event";
import { withoutUrls } from "./without-urls";

const token = "Xq3v9Yt2_secretAccessToken-0123456789abcdefgh";

/** A checkout.session.completed as Stripe sends it for a session created while success_url still held the token. */
const completed = {
  id: "evt_1",
  object: "event",
  api_version: "2025-01-27.acacia",
  created: 1_700_000_000,
  livemode: false,
  type: "checkout.session.completed",
  data: {
    object: {
      id: "cs_test_1",
      object: "checkout.session",
      client_reference_id: "ord_01",
      metadata: { orderId: "ord_01", note: `https://shop.example/orders/ord_01?token=${token}` },
      payment_status: "paid",
      payment_intent: "pi_1",
      success_url: `https://shop.example/orders/ord_01?token=${token}`,
      cancel_url: "https://shop.example/cart?cancelled=ord_01",
      url: null,
      after_expiration: { recovery: { enabled: true, url: `https://checkout.stripe.com/c/pay/cs_test_1#${token}` } },
      custom_fields: [{ key: "link", text: { value: `http://shop.example/?token=${token}` } }],
      line_items: { object: "list", url: "/v1/checkout/sessions/cs_test_1/line_items", data: [] },
    },
    previous_attributes: { success_url: `https://shop.example/orders/ord_01?token=${token}` },
  },
};

describe("withoutUrls", () => {
  it("leaves no URL, and so no token, anywhere in the event", () => {
    const cleaned = JSON.stringify(withoutUrls(completed));
    expect(cleaned).not.toContain(token);
    expect(cleaned).not.toMatch(/_url"|"url"|https?:\/\//);
  });

  it("keeps everything the worker reads, with the same meaning", () => {
    const cleaned = StripeEventEnvelope.parse(withoutUrls(completed));
    expect(toPaymentEvent(cleaned)).toEqual(toPaymentEvent(StripeEventEnvelope.parse(completed)));
    expect(cleaned.data.object).toMatchObject({ id: "cs_test_1", client_reference_id: "ord_01", metadata: { orderId: "ord_01" }, payment_status: "paid" });
  });

  it("drops exactly the URLs, at any depth, and keeps the rest as it was", () => {
    const event = {
      id: "evt_2",
      payment_method_types: ["card", "link"],
      links: [" https://shop.example/a", "not a link", { href: "ftp://files.example/x", label: "files" }],
      return_url: "/relative/path",
      redirect_urls: ["/a", "/b"],
      url_hint: "kept: only the name ends in _url is a URL field",
      metadata: { orderId: "ord_02", note: `paid, see https://shop.example/orders/ord_02?token=${token}`, count: 2, gift: false, empty: null },
      custom_fields: [{ key: "link", text: { value: `http://shop.example/?token=${token}` } }],
    };
    expect(withoutUrls(event)).toEqual({
      id: "evt_2",
      payment_method_types: ["card", "link"],
      links: ["not a link", { label: "files" }],
      url_hint: "kept: only the name ends in _url is a URL field",
      metadata: { orderId: "ord_02", count: 2, gift: false, empty: null },
      custom_fields: [{ key: "link", text: {} }],
    });
  });

  it("keeps a charge's refund fields", () => {
    const charge = { id: "ch_1", object: "charge", amount: 500, amount_refunded: 500, refunded: true, payment_intent: "pi_1", receipt_url: `https://pay.stripe.com/receipts/${token}` };
    expect(withoutUrls(charge)).toEqual({ id: "ch_1", object: "charge", amount: 500, amount_refunded: 500, refunded: true, payment_intent: "pi_1" });
  });
});
