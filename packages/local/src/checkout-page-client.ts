// Pays on a hosted Checkout page over plain HTTP, doing what a shopper's browser does: load
// the page, fill the field labelled "Card number", submit the form. Used by tests and the load
// generator to drive the real payment flow without a browser.

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

/** The page's first form (the card form): its action, its fields' values, and the card number field's name. */
export function readCheckoutForm(html: string, pageUrl: string): { action: string; fields: Map<string, string>; cardField: string } {
  const formMatch = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!formMatch) throw new Error("The checkout page has no form (is the session still open?).");
  const [formHtml, inner] = [formMatch[0], formMatch[1] ?? ""];
  const action = new URL(decode(attribute(formHtml, "action") ?? pageUrl), pageUrl).href;
  const inputs = inner.match(/<input\b[^>]*>/gi) ?? [];
  const fields = new Map<string, string>();
  for (const input of inputs) {
    const name = attribute(input, "name");
    if (name) fields.set(name, decode(attribute(input, "value") ?? ""));
  }
  const labelFor = /<label\b[^>]*for="([^"]+)"[^>]*>\s*Card number\s*</i.exec(inner)?.[1];
  const cardInput = inputs.find((input) => attribute(input, "id") === labelFor);
  const cardField = cardInput ? attribute(cardInput, "name") : undefined;
  if (!cardField) throw new Error('The checkout page has no input labelled "Card number".');
  return { action, fields, cardField };
}

export async function payOnCheckoutPage(checkoutUrl: string, cardNumber: string): Promise<CheckoutPageResult> {
  const page = await fetch(checkoutUrl);
  const html = await page.text();
  if (!page.ok) throw new Error(`Checkout page answered ${page.status}.`);
  const form = readCheckoutForm(html, checkoutUrl);
  form.fields.set(form.cardField, cardNumber);
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
