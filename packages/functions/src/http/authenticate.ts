// The caller's identity for a handler: the customer access token in `Authorization: Bearer`,
// verified by the one TokenVerifier (OpenAuth's issuer today; swap the verifier, not handlers).
// Every refusal is the same 401 JSON error, whatever the reason, so a client learns nothing about
// which check failed (the verifier's InvalidToken names the reason, but it is neither sent nor
// logged: the request line records the 401); an unreachable issuer is a 503, not a 401.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { hasRole, type Principal, type Role } from "@shopwave/core/accounts/principal";
import { InvalidToken, TokenIssuerUnavailable, type TokenVerifier } from "@shopwave/core/accounts/token-verifier";
import { auth } from "@shopwave/infra/topology";
import { createOpenAuthTokenVerifier } from "../auth/openauth-token-verifier";
import { settings } from "../shared/settings";
import { HttpError } from "./http-error";

let verifier: TokenVerifier | undefined;

/** The container's verifier, built on first use from AUTH_ISSUER_URL. */
function tokenVerifier(): TokenVerifier {
  verifier ??= createOpenAuthTokenVerifier({ issuerUrl: settings.authIssuerUrl(), clientId: auth.clientId });
  return verifier;
}

const unauthenticated = () => new HttpError(401, "UNAUTHENTICATED", "Sign in to continue: the request has no valid access token.");

/** The bearer credential, if any (a malformed header counts as a bad token, not as none). */
function bearerOf(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers?.authorization;
  if (header === undefined || header === "") return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match) throw unauthenticated();
  return match[1];
}

async function verified(token: string): Promise<Principal> {
  try {
    return await tokenVerifier().verify(token);
  } catch (error) {
    if (error instanceof InvalidToken) throw unauthenticated();
    if (error instanceof TokenIssuerUnavailable) {
      throw new HttpError(503, "AUTH_UNAVAILABLE", "Sign-in cannot be checked right now; please try again shortly.");
    }
    throw error;
  }
}

/** The verified principal; a 401 HttpError without a valid token. */
export async function authenticate(event: APIGatewayProxyEventV2): Promise<Principal> {
  const token = bearerOf(event);
  if (token === undefined) throw unauthenticated();
  return verified(token);
}

/** undefined when no token came; a 401 when one came and is not valid (never silently a guest). */
export async function optionalPrincipal(event: APIGatewayProxyEventV2): Promise<Principal | undefined> {
  const token = bearerOf(event);
  return token === undefined ? undefined : verified(token);
}

/** A 403 unless the principal holds `role` (e.g. "operator" for the console's routes). */
export function requireRole(principal: Principal, role: Role): void {
  if (!hasRole(principal, role)) throw new HttpError(403, "FORBIDDEN", "You do not have access to this.");
}

