// Stripe-style object ids (`cs_test_…`, `evt_…`, `pi_…`, `req_…`): a type prefix and random
// base62, as Stripe's own look, so code that logs or pattern-matches ids sees the real shape.
import { randomBytes } from "node:crypto";

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function stripeId(prefix: string, length = 24): string {
  let out = "";
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += base62[byte % 62];
    }
  }
  return `${prefix}_${out}`;
}
