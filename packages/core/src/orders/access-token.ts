// Bearer tokens that let a guest shopper read their own order. Only a hash is stored, and
// comparison is constant-time so response timing does not leak how much of a guess matched.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function newAccessToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashAccessToken(token) };
}

export function hashAccessToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function accessTokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashAccessToken(token), "hex");
  const expected = Buffer.from(expectedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Whether `token` opens the order: the token handed to the browser that placed it, or one issued
 * for a link the shop sent (an email, order-link.ts). Every stored hash is compared, so timing
 * does not tell which kind matched or how many there are to try.
 */
export function opensOrder(token: string, order: { accessTokenHash: string; linkTokenHashes?: readonly string[] | undefined }): boolean {
  let opens = accessTokenMatches(token, order.accessTokenHash);
  for (const hash of order.linkTokenHashes ?? []) opens = accessTokenMatches(token, hash) || opens;
  return opens;
}
