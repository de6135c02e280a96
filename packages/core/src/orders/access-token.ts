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
