import { describe, expect, it } from "vitest";
import { awaitingHistory, historyLabel } from "./order-history";
import type { TimelineEntry } from "./shop-api";

const at = "2030-01-01T12:00:00.000Z";
const entry = (kind: TimelineEntry["kind"], detail?: TimelineEntry["detail"]): TimelineEntry => ({ kind, at, ...(detail ? { detail } : {}) });

describe("historyLabel", () => {
  it("puts every kind in words, the cancellation with its reason and the email by what it was", () => {
    expect(historyLabel(entry("placed"))).toBe("Order placed");
    expect(historyLabel(entry("payment_received"))).toBe("Payment received");
    expect(historyLabel(entry("confirmed"))).toBe("Order confirmed");
    expect(historyLabel(entry("email_sent", { email: "receipt" }))).toBe("Receipt emailed to you");
    expect(historyLabel(entry("email_sent"))).toBe("Email sent to you");
    expect(historyLabel(entry("cancelled", { reason: "async_payment_failed" }))).toBe("Order cancelled: the bank payment did not go through");
    expect(historyLabel(entry("cancelled", { reason: "something_new" }))).toBe("Order cancelled");
    expect(historyLabel(entry("refunded"))).toBe("Refunded to your payment method");
  });
});

describe("awaitingHistory", () => {
  it("waits for the email after the latest status change of a settled order only", () => {
    expect(awaitingHistory({ status: "PENDING_PAYMENT", timeline: [entry("placed")] })).toBe(false);
    expect(awaitingHistory({ status: "CONFIRMED", timeline: undefined })).toBe(false);
    expect(awaitingHistory({ status: "CONFIRMED", timeline: [entry("placed")] })).toBe(true);
    expect(awaitingHistory({ status: "CONFIRMED", timeline: [entry("placed"), entry("confirmed")] })).toBe(true);
    expect(awaitingHistory({ status: "CONFIRMED", timeline: [entry("placed"), entry("confirmed"), entry("email_sent", { email: "receipt" })] })).toBe(false);
    // Refunded later: the receipt's email is not the refund's.
    expect(
      awaitingHistory({ status: "REFUNDED", timeline: [entry("confirmed"), entry("email_sent", { email: "receipt" }), entry("refunded")] }),
    ).toBe(true);
  });
});
