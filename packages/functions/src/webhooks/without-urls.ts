// Drops every URL from a Stripe event before it is queued. Stripe objects carry URLs that can
// hold secrets: a Checkout Session's success_url and cancel_url (ours held the order's access
// token until it moved out of the URL, and sessions created before that still do; other
// integrations put their own state there), its hosted `url`, a charge's receipt_url, a
// return_url… A queued event sits in SQS, in the DLQ for days and in whatever an operator
// pastes while debugging, and the worker needs none of these (it re-reads from Stripe what it
// must), so they never enter the queue.

/** Fields Stripe names as URLs: `url`, `success_url`, `receipt_url`, `hosted_invoice_url`… */
const isUrlField = (key: string) => key === "url" || key.endsWith("_url") || key.endsWith("_urls");
/** Any other string that is or holds a URL (metadata, custom fields, a note with a link) goes too. */
const isUrl = (value: unknown) => typeof value === "string" && /[a-z][a-z0-9+.-]*:\/\//i.test(value);

export function withoutUrls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => !isUrl(item)).map(withoutUrls);
  if (value === null || typeof value !== "object") return value;
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!isUrlField(key) && !isUrl(field)) kept[key] = withoutUrls(field);
  }
  return kept;
}
