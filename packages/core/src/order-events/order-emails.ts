// The emails an order's events send its shopper: the receipt (OrderConfirmed), the cancellation
// with its reason in plain words (OrderCancelled) and the refund (OrderRefunded). Each is plain
// text plus HTML: lang, a real table with headers for the items, text colours well above WCAG AA
// contrast on white, system fonts only and no images, so nothing is fetched from anywhere when it
// is opened. Everything that comes from data (item names, ids, the address) is HTML-escaped.
// OrderPlaced sends nothing: the shopper is on the payment page at that moment.
import type { CancellationReason } from "../orders/order";
import type { OrderEvent } from "./order-event";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export const SHOP_NAME = "Harbor & Pine goods";

/** Why an order was cancelled, as the shopper is told it. Every reason the state machine knows has words. */
export const cancellationReasonText: Readonly<Record<CancellationReason, string>> = {
  checkout_session_expired: "The time to pay for it ran out before payment was completed.",
  reservation_lapsed: "The time to pay for it ran out before payment was completed.",
  async_payment_failed: "Your bank payment did not go through.",
  payment_provider_unavailable: "We could not reach our payment provider to take your payment.",
  cancelled_by_shopper: "You cancelled it.",
  cancelled_by_operator: "Our team cancelled it before it was paid for; nothing was charged.",
};

const LOCALE = "en-US";

/** Minor units as money text, with each currency's own decimals (JPY has none). */
export function formatMoney(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat(LOCALE, { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * The email for an order event, or undefined when the event sends none. `orderLink` opens the
 * order page (order-link.ts); it carries a token, so the caller must never log the result.
 */
export function renderOrderEmail(event: OrderEvent, orderLink: string): RenderedEmail | undefined {
  switch (event.type) {
    case "OrderPlaced":
      return undefined;
    case "OrderConfirmed":
      return render(event, orderLink, {
        subject: `Your receipt for order ${event.orderId}`,
        heading: "Thank you, your order is confirmed",
        intro: ["We received your payment and your order is confirmed. This is your receipt."],
        caption: "What you bought",
        action: "View your order",
      });
    case "OrderCancelled":
      return render(event, orderLink, {
        subject: `Your order ${event.orderId} was cancelled`,
        heading: "Your order was cancelled",
        intro: [`Why: ${cancellationReasonText[event.reason]}`, "You have not been charged, and the items are back in stock."],
        caption: "What the order held",
        action: "View the order",
      });
    case "OrderRefunded":
      return render(event, orderLink, {
        subject: `Your refund for order ${event.orderId}`,
        heading: "Your order was refunded",
        intro: [
          `We refunded ${formatMoney(event.totalCents, event.currency)} to your original payment method.`,
          "Depending on your bank, it can take 5 to 10 business days to appear on your statement.",
        ],
        caption: "What was refunded",
        action: "View the order",
      });
  }
}

interface Copy {
  subject: string;
  heading: string;
  intro: string[];
  caption: string;
  action: string;
}

type EmailEvent = Exclude<OrderEvent, { type: "OrderPlaced" }>;

function lines(event: EmailEvent) {
  return event.items.map((item) => ({
    name: item.name,
    quantity: item.quantity,
    unitPrice: formatMoney(item.unitPriceCents, event.currency),
    lineTotal: formatMoney(item.unitPriceCents * item.quantity, event.currency),
  }));
}

function render(event: EmailEvent, orderLink: string, copy: Copy): RenderedEmail {
  const items = lines(event);
  const total = formatMoney(event.totalCents, event.currency);
  const text = [
    copy.heading,
    "",
    ...copy.intro,
    "",
    `${copy.caption}:`,
    ...items.map((item) => `- ${item.name}: ${item.quantity} × ${item.unitPrice} = ${item.lineTotal}`),
    `Total: ${total}`,
    "",
    `Order: ${event.orderId}`,
    `${copy.action}: ${orderLink}`,
    "",
    `${SHOP_NAME}, on Shopwave`,
    "",
  ].join("\n");

  // Inline styles only (mail clients drop <style> and external sheets); #1f2328 on #ffffff is
  // about 15.8:1, the link colour #0a4fa8 and the footer grey #4b535d on white about 7.8:1, white
  // on the link colour the same.
  const cell = "padding:8px 12px;border-bottom:1px solid #d0d7de;text-align:left;";
  const number = "padding:8px 12px;border-bottom:1px solid #d0d7de;text-align:right;white-space:nowrap;";
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(copy.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#ffffff;color:#1f2328;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;">
<main style="max-width:600px;margin:0 auto;padding:24px 16px;">
<p style="margin:0 0 16px;font-weight:600;">${e(SHOP_NAME)}</p>
<h1 style="margin:0 0 16px;font-size:24px;line-height:1.25;">${e(copy.heading)}</h1>
${copy.intro.map((paragraph) => `<p style="margin:0 0 12px;">${e(paragraph)}</p>`).join("\n")}
<table style="width:100%;border-collapse:collapse;margin:16px 0;">
<caption style="text-align:left;font-weight:600;padding:0 0 8px;">${e(copy.caption)}</caption>
<thead>
<tr><th scope="col" style="${cell}">Item</th><th scope="col" style="${number}">Quantity</th><th scope="col" style="${number}">Unit price</th><th scope="col" style="${number}">Line total</th></tr>
</thead>
<tbody>
${items.map((item) => `<tr><td style="${cell}">${e(item.name)}</td><td style="${number}">${item.quantity}</td><td style="${number}">${e(item.unitPrice)}</td><td style="${number}">${e(item.lineTotal)}</td></tr>`).join("\n")}
</tbody>
<tfoot>
<tr><th scope="row" colspan="3" style="${cell}">Total</th><td style="${number}font-weight:600;">${e(total)}</td></tr>
</tfoot>
</table>
<p style="margin:0 0 16px;">Order <span style="font-family:ui-monospace,Menlo,Consolas,monospace;">${e(event.orderId)}</span></p>
<p style="margin:0 0 24px;"><a href="${e(orderLink)}" style="display:inline-block;background:#0a4fa8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:underline;font-weight:600;">${e(copy.action)}</a></p>
<p style="margin:0;font-size:14px;color:#4b535d;">${e(SHOP_NAME)}, on Shopwave. This email was sent to ${e(event.email)} about an order placed with this address.</p>
</main>
</body>
</html>
`;
  return { subject: copy.subject, text, html };
}
