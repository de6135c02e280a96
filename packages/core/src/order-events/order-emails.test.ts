// The order emails as a shopper reads them: the receipt's lines, quantities, prices and total in
// the currency's own format; every cancellation reason in plain words; data escaped in HTML; an
// accessible document (lang, captioned table with header cells, contrast) that fetches nothing.
import { describe, expect, it } from "vitest";
import { CancellationReason } from "../orders/order";
import { cancellationReasonText, escapeHtml, formatMoney, renderOrderEmail } from "./order-emails";
import type { OrderEvent } from "./order-event";

const link = "http://localhost:3000/orders/ord_01jz000000000000000000000a#token=abc_DEF-123";
const base = {
  version: 1 as const,
  occurredAt: "2030-01-01T12:00:00.000Z",
  orderId: "ord_01jz000000000000000000000a",
  email: "shopper@example.com",
  items: [
    { productId: "enamel-camp-mug", name: "Enamel Camp Mug", unitPriceCents: 1800, quantity: 2 },
    { productId: "wool-blanket", name: "Wool Blanket", unitPriceCents: 12950, quantity: 1 },
  ],
  totalCents: 16550,
  currency: "usd",
};
const confirmed: OrderEvent = { ...base, id: `${base.orderId}:OrderConfirmed:v1`, type: "OrderConfirmed", paymentIntentId: "pi_1", checkoutSessionId: "cs_test_1" };

describe("the receipt (OrderConfirmed)", () => {
  // Rendered inside each test (a getter), not once when the file is collected, so a mutation
  // tool that switches a change on per test sees every assertion run against the changed code.
  const receipt = () => renderOrderEmail(confirmed, link)!;

  it("lists every item with quantity, unit price and line total, and the total, in text and HTML", () => {
    expect(receipt().subject).toBe(`Your receipt for order ${base.orderId}`);
    expect(receipt().text).toContain("- Enamel Camp Mug: 2 × $18.00 = $36.00");
    expect(receipt().text).toContain("- Wool Blanket: 1 × $129.50 = $129.50");
    expect(receipt().text).toContain("Total: $165.50");
    expect(receipt().html).toMatch(/<tr><td[^>]*>Enamel Camp Mug<\/td><td[^>]*>2<\/td><td[^>]*>\$18\.00<\/td><td[^>]*>\$36\.00<\/td><\/tr>/);
    expect(receipt().html).toMatch(/<tfoot>\s*<tr><th scope="row" colspan="3"[^>]*>Total<\/th><td[^>]*>\$165\.50<\/td><\/tr>/);
  });

  it("links the order page, token in the fragment, in text and HTML", () => {
    expect(receipt().text).toContain(`View your order: ${link}`);
    expect(receipt().html).toContain(`<a href="${link}"`);
    expect(receipt().html.match(/href=/g)).toHaveLength(1);
  });

  it("is an accessible document: language, a captioned table with column and row headers", () => {
    expect(receipt().html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(receipt().html).toContain(`<title>${escapeHtml(receipt().subject)}</title>`);
    expect(receipt().html).toMatch(/<caption[^>]*>What you bought<\/caption>/);
    expect(receipt().html.match(/<th scope="col"/g)).toHaveLength(4);
    expect(receipt().html).toContain("<h1");
  });

  it("fetches nothing when opened: no images, fonts, style sheets or scripts", () => {
    expect(receipt().html).not.toMatch(/<img|<link|<script|src=|url\(|@import|@font-face/i);
  });

  it("keeps every text colour at 4.5:1 or more against its background", () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    const styles = [...receipt().html.matchAll(/style="([^"]*)"/g)].map((m) => m[1]!);
    let checked = 0;
    for (const style of styles) {
      const color = /(?:^|;)color:#([0-9a-f]{6})/i.exec(style)?.[1];
      if (!color) continue;
      const background = /background:#([0-9a-f]{6})/i.exec(style)?.[1] ?? "ffffff";
      expect(contrast(color, background), style).toBeGreaterThanOrEqual(4.5);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it("reads, line by line, as the shopper sees it in plain text", () => {
    expect(receipt().text).toBe(
      [
        "Thank you, your order is confirmed",
        "",
        "We received your payment and your order is confirmed. This is your receipt.",
        "",
        "What you bought:",
        "- Enamel Camp Mug: 2 × $18.00 = $36.00",
        "- Wool Blanket: 1 × $129.50 = $129.50",
        "Total: $165.50",
        "",
        `Order: ${base.orderId}`,
        `View your order: ${link}`,
        "",
        "Harbor & Pine goods, on Shopwave",
        "",
      ].join("\n"),
    );
    const html = receipt().html;
    expect(html).toContain(">Thank you, your order is confirmed</h1>");
    expect(html).toContain(">We received your payment and your order is confirmed. This is your receipt.</p>");
    expect(html).toContain(">View your order</a>");
    // Names left-aligned; numbers right-aligned and never wrapped (a price split over two lines misreads).
    expect(html).toMatch(/<td style="[^"]*text-align:left;[^"]*">Enamel Camp Mug<\/td>/);
    expect(html).toMatch(/<td style="[^"]*text-align:right;white-space:nowrap;[^"]*">\$36\.00<\/td>/);
  });

  it("formats money in the currency's own decimals", () => {
    const yen = renderOrderEmail({ ...confirmed, currency: "jpy", items: [{ ...base.items[0]!, unitPriceCents: 1500, quantity: 3 }], totalCents: 4500 }, link)!;
    expect(yen.text).toContain("3 × ¥1,500 = ¥4,500");
    expect(yen.text).toContain("Total: ¥4,500");
    expect(formatMoney(5, "eur")).toBe("€0.05");
    // Three decimals (Kuwaiti dinar): 1234 fils is 1.234 dinars, not 12.34.
    expect(formatMoney(1234, "kwd")).toMatch(/^KWD\s1\.234$/);
  });
});

describe("escaping", () => {
  it("escapes names, addresses and links from data in the HTML, and leaves the text as written", () => {
    const hostile = "<script>alert('x')</script> & \"Mugs\"";
    const email = renderOrderEmail(
      { ...confirmed, email: "a<b>@example.com", items: [{ ...base.items[0]!, name: hostile }] },
      'http://shop.test/orders/x#token=a"onmouseover="alert(1)',
    )!;
    expect(email.html).not.toContain("<script>");
    expect(email.html).not.toContain('"onmouseover="');
    expect(email.html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Mugs&quot;");
    expect(email.html).toContain("a&lt;b&gt;@example.com");
    expect(email.text).toContain(hostile);
  });
});

describe("the cancellation (OrderCancelled)", () => {
  it.each(CancellationReason.options)("says why in plain words for %s", (reason) => {
    const email = renderOrderEmail({ ...base, id: `${base.orderId}:OrderCancelled:v1`, type: "OrderCancelled", reason }, link)!;
    expect(email.subject).toBe(`Your order ${base.orderId} was cancelled`);
    expect(email.text).toContain(`Why: ${cancellationReasonText[reason]}`);
    expect(email.html).toContain(escapeHtml(`Why: ${cancellationReasonText[reason]}`));
    // Words, not the code.
    expect(email.text).not.toContain(reason);
    expect(email.text).toContain("You have not been charged");
  });

  it("reads, line by line, as the shopper sees it in plain text", () => {
    const email = renderOrderEmail({ ...base, id: `${base.orderId}:OrderCancelled:v1`, type: "OrderCancelled", reason: "cancelled_by_shopper" }, link)!;
    expect(email.text).toBe(
      [
        "Your order was cancelled",
        "",
        "Why: You cancelled it.",
        "You have not been charged, and the items are back in stock.",
        "",
        "What the order held:",
        "- Enamel Camp Mug: 2 × $18.00 = $36.00",
        "- Wool Blanket: 1 × $129.50 = $129.50",
        "Total: $165.50",
        "",
        `Order: ${base.orderId}`,
        `View the order: ${link}`,
        "",
        "Harbor & Pine goods, on Shopwave",
        "",
      ].join("\n"),
    );
    expect(email.html).toMatch(/<caption[^>]*>What the order held<\/caption>/);
  });
});

describe("the refund (OrderRefunded) and the rest", () => {
  it("says how much was refunded", () => {
    const email = renderOrderEmail({ ...base, id: `${base.orderId}:OrderRefunded:v1`, type: "OrderRefunded", paymentIntentId: "pi_1" }, link)!;
    expect(email.subject).toBe(`Your refund for order ${base.orderId}`);
    expect(email.text).toContain("We refunded $165.50 to your original payment method.");
    expect(email.text).toContain(link);
    expect(email.text).toBe(
      [
        "Your order was refunded",
        "",
        "We refunded $165.50 to your original payment method.",
        "Depending on your bank, it can take 5 to 10 business days to appear on your statement.",
        "",
        "What was refunded:",
        "- Enamel Camp Mug: 2 × $18.00 = $36.00",
        "- Wool Blanket: 1 × $129.50 = $129.50",
        "Total: $165.50",
        "",
        `Order: ${base.orderId}`,
        `View the order: ${link}`,
        "",
        "Harbor & Pine goods, on Shopwave",
        "",
      ].join("\n"),
    );
  });

  it("sends nothing for OrderPlaced", () => {
    expect(renderOrderEmail({ ...base, id: `${base.orderId}:OrderPlaced:v1`, type: "OrderPlaced" }, link)).toBeUndefined();
  });
});
