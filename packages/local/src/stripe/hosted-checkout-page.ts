// The hosted test payment page a Checkout Session's `url` points to. Plain HTML forms (no
// script), so a browser, a keyboard, a screen reader and an HTTP client can all pay on it: the
// card form comes first, with a field labelled "Card number" (expiry and CVC prefilled) and a
// "Pay" button; a bank-debit form follows for the asynchronous ACH flow.

export interface CheckoutPageView {
  sessionId: string;
  merchantName: string;
  status: "open" | "complete" | "expired";
  paymentStatus: "paid" | "unpaid";
  email: string | null;
  emailLocked: boolean;
  currency: string;
  amountTotal: number;
  lines: { name: string; quantity: number; amount: number }[];
  successUrl: string;
  cancelUrl: string | null;
  acceptsBankDebit: boolean;
}

export interface CheckoutFormState {
  /** The message of a decline or a field error, shown in the page's alert. */
  alert?: string;
  /** Which form the alert belongs to. */
  form?: "card" | "bank";
  invalidField?: string;
  values?: Record<string, string>;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Minor units to a localised amount, with the currency's own number of decimals (JPY has none). */
export function formatAmount(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

const styles = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f9fc}
.banner{background:#ffde92;color:#5c3c00;text-align:center;font-size:.85rem;font-weight:600;padding:4px}
.layout{display:grid;gap:32px;max-width:960px;margin:0 auto;padding:32px 16px}
@media(min-width:800px){.layout{grid-template-columns:1fr 1fr}}
.summary h1{font-size:1rem;color:#697386;margin:0 0 4px}.total{font-size:2.25rem;font-weight:700;margin:0 0 24px}
.lines{list-style:none;padding:0;margin:0}.lines li{display:flex;justify-content:space-between;gap:16px;padding:8px 0;border-bottom:1px solid #e3e8ee}
.pay{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0002;padding:24px}
h2{font-size:1.1rem;margin:0 0 12px}label{display:block;font-size:.9rem;font-weight:600;margin:14px 0 4px}
input{width:100%;font:inherit;padding:10px 12px;border:1px solid #c9d2dc;border-radius:8px;background:#fff}
input[readonly]{background:#f1f4f8}input[aria-invalid=true]{border-color:#df1b41}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
button{width:100%;margin-top:20px;font:inherit;font-weight:600;padding:12px;border:0;border-radius:8px;background:#635bff;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#635bff;border:1px solid #635bff}
:focus-visible{outline:3px solid #0a84ff;outline-offset:2px}
.alert{color:#df1b41;font-weight:600;margin:12px 0 0}.hint{color:#697386;font-size:.85rem;margin:8px 0 0}
.divider{margin:28px 0 8px;border-top:1px solid #e3e8ee}a{color:#635bff}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${styles}</style></head>
<body><div class="banner" role="note">TEST MODE · Stripe simulator · no real money moves</div>${body}</body></html>`;
}

function summary(view: CheckoutPageView): string {
  const lines = view.lines
    .map((line) => `<li><span>${escapeHtml(line.name)} × ${line.quantity}</span><span>${formatAmount(line.amount, view.currency)}</span></li>`)
    .join("");
  const back = view.cancelUrl ? `<p><a href="${escapeHtml(view.cancelUrl)}">← Back to ${escapeHtml(view.merchantName)}</a></p>` : "";
  return `<section class="summary" aria-labelledby="summary-title">${back}<h1 id="summary-title">Pay ${escapeHtml(view.merchantName)}</h1>
<p class="total">${formatAmount(view.amountTotal, view.currency)}</p><ul class="lines" aria-label="Items">${lines}</ul></section>`;
}

function field(options: {
  id: string;
  label: string;
  value: string;
  state: CheckoutFormState;
  form: "card" | "bank";
  attributes?: string;
}): string {
  const invalid = options.state.form === options.form && options.state.invalidField === options.id;
  const value = options.state.values?.[options.id] ?? options.value;
  return `<label for="${options.id}">${escapeHtml(options.label)}</label>
<input id="${options.id}" name="${options.id}" value="${escapeHtml(value)}"${invalid ? ' aria-invalid="true" aria-describedby="' + options.form + '-error"' : ""} ${options.attributes ?? ""}>`;
}

export function renderCheckoutPage(view: CheckoutPageView, state: CheckoutFormState = {}): string {
  if (view.status !== "open") return renderClosedSession(view);
  const email = view.email ?? "";
  const emailAttributes = `type="email" autocomplete="email" required${view.emailLocked ? " readonly" : ""}`;
  const alert = (form: "card" | "bank") =>
    state.alert && state.form === form ? `<p class="alert" role="alert" id="${form}-error">${escapeHtml(state.alert)}</p>` : "";
  const cardForm = `<form method="post" action="/c/pay/${view.sessionId}" aria-labelledby="card-title" novalidate>
<h2 id="card-title">Pay with card</h2>
${field({ id: "email", label: "Email", value: email, state, form: "card", attributes: emailAttributes })}
${field({ id: "cardNumber", label: "Card number", value: "", state, form: "card", attributes: 'inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" required' })}
<div class="row"><div>${field({ id: "cardExpiry", label: "Expiration (MM / YY)", value: "12 / 34", state, form: "card", attributes: 'autocomplete="cc-exp" required' })}</div>
<div>${field({ id: "cardCvc", label: "CVC", value: "123", state, form: "card", attributes: 'inputmode="numeric" autocomplete="cc-csc" required' })}</div></div>
${field({ id: "billingName", label: "Name on card", value: "", state, form: "card", attributes: 'autocomplete="cc-name"' })}
${alert("card")}
<button type="submit">Pay</button>
<p class="hint">Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds.</p>
</form>`;
  const bankForm = view.acceptsBankDebit
    ? `<div class="divider"></div><form method="post" action="/c/pay/${view.sessionId}/bank" aria-labelledby="bank-title" novalidate>
<h2 id="bank-title">Or pay by US bank account (ACH debit, settles later)</h2>
${field({ id: "bankEmail", label: "Email for the bank debit", value: email, state, form: "bank", attributes: emailAttributes })}
<div class="row"><div>${field({ id: "routingNumber", label: "Routing number", value: "110000000", state, form: "bank", attributes: 'inputmode="numeric" required' })}</div>
<div>${field({ id: "accountNumber", label: "Account number", value: "", state, form: "bank", attributes: 'inputmode="numeric" required' })}</div></div>
${field({ id: "accountHolder", label: "Account holder name", value: "", state, form: "bank", attributes: 'autocomplete="name"' })}
${alert("bank")}
<button type="submit" class="secondary">Authorize bank debit</button>
<p class="hint">Test accounts: 000123456789 settles; 000111111113 fails (account closed); 000222222227 fails (insufficient funds).</p>
</form>`
    : "";
  return page(
    `Pay ${view.merchantName} · test mode`,
    `<main class="layout">${summary(view)}<section class="pay" aria-label="Payment">${cardForm}${bankForm}</section></main>`,
  );
}

function renderClosedSession(view: CheckoutPageView): string {
  const body =
    view.status === "complete"
      ? `<h1>${view.paymentStatus === "paid" ? "Payment complete" : "Payment submitted"}</h1>
<p>${view.paymentStatus === "paid" ? "This checkout has already been paid." : "Your bank debit is being processed."}</p>
<p><a href="${escapeHtml(view.successUrl)}">Return to ${escapeHtml(view.merchantName)}</a></p>`
      : `<h1>This checkout session has expired</h1><p>Nothing was charged. Start a new checkout from the store.</p>
${view.cancelUrl ? `<p><a href="${escapeHtml(view.cancelUrl)}">Return to ${escapeHtml(view.merchantName)}</a></p>` : ""}`;
  return page(`Checkout · ${view.merchantName}`, `<main class="layout"><section class="pay">${body}</section></main>`);
}

export function renderUnknownSession(): string {
  return page("Checkout not found", `<main class="layout"><section class="pay"><h1>Checkout not found</h1><p>This payment link is not valid.</p></section></main>`);
}
