// Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>" keyed with the endpoint's whsec_… secret>`. Written out here (not borrowed
// from the stripe SDK) so the SDK's verification in the webhook handler is an independent check.
import { createHmac } from "node:crypto";

export function stripeSignatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}
