// Pays on a hosted Checkout page over plain HTTP, doing what a shopper's browser does: load
// the page, fill the field labelled "Card number" (or "Account number" for a bank debit) in the
// form that holds it, submit that form. Used by tests and the load generator to drive the real
// payment flow without a browser.

export interface CheckoutPageResult {
  /** 303 with a Location on success; 200 with the page (and its alert) on a decline. */
  status: number;
  location: string | null;
  /** Text of the page's role="alert" element, if any (the decline message). */
  alert: string | null;
}

const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`, "i").exec(tag)?.[1];
const decode = (text: string) =>
  text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The form holding a field labelled `label`: its action, its fields' values, and that field's name. */
function readCheckoutForm(html: string, pageUrl: string, label = "Card number"): { action: string; fields: Map<string, string>; field: string } {
  const forms = [...html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/gi)];
  if (forms.length === 0) throw new Error("The checkout page has no form (is the session still open?).");
  const labelPattern = new RegExp(`<label\\b[^>]*for="([^"]+)"[^>]*>\\s*${label}\\s*<`, "i");
  for (const [formHtml, inner = ""] of forms) {
    const labelFor = labelPattern.exec(inner)?.[1];
    if (!labelFor) continue;
    const inputs = inner.match(/<input\b[^>]*>/gi) ?? [];
    const fields = new Map<string, string>();
    for (const input of inputs) {
      const name = attribute(input, "name");
      if (name) fields.set(name, decode(attribute(input, "value") ?? ""));
    }
    const field = attribute(inputs.find((input) => attribute(input, "id") === labelFor) ?? "", "name");
    if (!field) break;
    return { action: new URL(decode(attribute(formHtml, "action") ?? pageUrl), pageUrl).href, fields, field };
  }
  throw new Error(`The checkout page has no input labelled "${label}".`);
}

async function submitOnCheckoutPage(checkoutUrl: string, label: string, value: string): Promise<CheckoutPageResult> {
  const page = await fetch(checkoutUrl);
  const html = await page.text();
  if (!page.ok) throw new Error(`Checkout page answered ${page.status}.`);
  const form = readCheckoutForm(html, checkoutUrl, label);
  form.fields.set(form.field, value);
  const response = await fetch(form.action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams([...form.fields]).toString(),
    redirect: "manual",
  });
  const body = await response.text();
  const alert = /role="alert"[^>]*>([\s\S]*?)<\//i.exec(body)?.[1]?.replace(/<[^>]+>/g, "").trim() || null;
  return { status: response.status, location: response.headers.get("location"), alert };
}

export function payOnCheckoutPage(checkoutUrl: string, cardNumber: string): Promise<CheckoutPageResult> {
  return submitOnCheckoutPage(checkoutUrl, "Card number", cardNumber);
}

/** Authorises a US bank account debit (Stripe's test routing number is prefilled); it settles later. */
export function payByBankDebitOnCheckoutPage(checkoutUrl: string, accountNumber: string): Promise<CheckoutPageResult> {
  return submitOnCheckoutPage(checkoutUrl, "Account number", accountNumber);
}
