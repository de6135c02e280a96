// What a browser does with cookies and PKCE, for tests that drive the issuer without one: the jar
// keeps what Set-Cookie sets and forgets what it expires (Max-Age=0 or an Expires date that has
// passed, which is how OpenAuth clears its cookies), and sends the rest back.
import { createHash, randomBytes } from "node:crypto";

export interface CookieJar {
  /** Applies a response's Set-Cookie lines. */
  keep(setCookies: readonly string[]): void;
  /** The kept cookies as `name=value` pairs (a Lambda event's `cookies`). */
  pairs(): string[];
  /** The kept cookies as one Cookie header, or undefined when there are none. */
  header(): string | undefined;
}

export function cookieJar(now: () => number = Date.now): CookieJar {
  const kept = new Map<string, string>();
  return {
    keep(setCookies) {
      for (const line of setCookies) {
        const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
        const separator = pair.indexOf("=");
        const name = separator < 0 ? pair : pair.slice(0, separator);
        const value = separator < 0 ? "" : pair.slice(separator + 1);
        if (attributes.some((attribute) => isExpiry(attribute, now()))) kept.delete(name);
        else kept.set(name, value);
      }
    },
    pairs: () => [...kept].map(([name, value]) => `${name}=${value}`),
    header() {
      return kept.size > 0 ? this.pairs().join("; ") : undefined;
    },
  };
}

function isExpiry(attribute: string, now: number): boolean {
  const separator = attribute.indexOf("=");
  const key = attribute.slice(0, separator).toLowerCase();
  const value = attribute.slice(separator + 1);
  if (key === "max-age") return Number(value) <= 0;
  if (key === "expires") return Date.parse(value) <= now;
  return false;
}

/** A PKCE verifier and its S256 challenge, as a public client makes them. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}
