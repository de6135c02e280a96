// Verifies the OpenAuth issuer's access tokens with OpenAuth's own client (`createClient().verify`:
// signature against the issuer's JWKS, `iss` equal to the one pinned issuer URL, expiry, the
// subject's schema), plus what it leaves out: the audience must be our client id. The client
// caches the issuer's keys forever, so it is replaced hourly and whenever a token names a key it
// has not seen (a rotation), at most once per KEY_REFETCH_COOLDOWN_MS so forged key ids cannot
// turn every request into a JWKS fetch.
import { createClient } from "@openauthjs/openauth/client";
import { InvalidSubjectError } from "@openauthjs/openauth/error";
import type { Principal } from "@shopwave/core/accounts/principal";
import { InvalidToken, TokenIssuerUnavailable, type TokenVerifier } from "@shopwave/core/accounts/token-verifier";
import { subjects } from "./subjects";

const KEYS_MAX_AGE_MS = 60 * 60 * 1000;
const KEY_REFETCH_COOLDOWN_MS = 30 * 1000;
const FETCH_TIMEOUT_MS = 3000;
/** A compact JWS: three base64url parts, and no more than a sane size. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 4096;

export interface OpenAuthVerifierOptions {
  /** The issuer's URL exactly as it puts it in `iss` (its origin, no trailing slash). */
  issuerUrl: string;
  /** The client id the storefront signs in with; tokens minted for anything else are refused. */
  clientId: string;
  fetch?: typeof fetch;
  now?: () => number;
}

interface KeyedClient {
  client: ReturnType<typeof createClient>;
  createdAt: number;
  /** Key ids the client's cached JWKS holds, learnt as the document passes through fetchKeys. */
  keyIds: Set<string>;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function createOpenAuthTokenVerifier(options: OpenAuthVerifierOptions): TokenVerifier {
  const issuer = options.issuerUrl.replace(/\/$/, "");
  const baseFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let current: KeyedClient | undefined;
  let lastRefetch = 0;

  function newClient(): KeyedClient {
    const keyIds = new Set<string>();
    const fetchKeys = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const response = await baseFetch(input, { ...init, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`${String(input)} answered ${response.status}`);
      if (String(input).endsWith("/jwks.json")) {
        const body = (await response.clone().json()) as { keys?: { kid?: string }[] };
        for (const key of body.keys ?? []) if (key.kid) keyIds.add(key.kid);
      }
      return response;
    };
    return { client: createClient({ clientID: options.clientId, issuer, fetch: fetchKeys as typeof fetch }), createdAt: now(), keyIds };
  }

  async function verifyWith(keyed: KeyedClient, token: string) {
    try {
      return await keyed.client.verify(subjects, token);
    } catch (error) {
      // verify() returns token failures; what it throws is the issuer's documents failing to load.
      if (keyed === current) current = undefined;
      throw new TokenIssuerUnavailable(error);
    }
  }

  return {
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) throw new InvalidToken("malformed");
      const [headerPart, payloadPart] = token.split(".") as [string, string, string];
      const header = decodePart(headerPart);
      const payload = decodePart(payloadPart);
      if (!header || !payload) throw new InvalidToken("malformed");

      if (!current || now() - current.createdAt > KEYS_MAX_AGE_MS) current = newClient();
      let result = await verifyWith(current, token);
      const kid = typeof header.kid === "string" ? header.kid : undefined;
      if (result.err && kid && current.keyIds.size > 0 && !current.keyIds.has(kid) && now() - lastRefetch > KEY_REFETCH_COOLDOWN_MS) {
        lastRefetch = now();
        current = newClient();
        result = await verifyWith(current, token);
      }
      if (result.err) {
        // The signature was not accepted or a claim failed; say which for the log (the claims
        // read here are unverified and only pick the label).
        if (typeof payload.exp === "number" && payload.exp * 1000 <= now()) throw new InvalidToken("expired");
        if (payload.iss !== issuer) throw new InvalidToken("issuer");
        if (result.err instanceof InvalidSubjectError) throw new InvalidToken("claims");
        throw new InvalidToken("signature");
      }
      // OpenAuth's verify does not look at the audience.
      if (result.aud !== options.clientId) throw new InvalidToken("audience");
      if (result.subject.type !== "customer") throw new InvalidToken("claims");
      const claims = result.subject.properties;
      const principal: Principal = { customerId: claims.customerId, email: claims.email, roles: [...claims.roles] };
      return principal;
    },
  };
}
