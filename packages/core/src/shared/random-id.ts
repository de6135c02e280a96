// Unguessable identifiers and secrets: 128 bits from the CSPRNG, encoded without padding.
import { randomBytes } from "node:crypto";

/** Lowercase Crockford base32 keeps ids URL-safe, case-insensitive and free of look-alike letters. */
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

export function randomId(prefix: string, bytes = 16): string {
  const data = randomBytes(bytes);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return `${prefix}_${out}`;
}
