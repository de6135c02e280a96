// The signed-in session, on the storefront's server only: the issuer's access and refresh tokens
// live in httpOnly cookies (SameSite=Lax, Secure over https), never in a URL, localStorage or a
// log line. Sign-in is OAuth's authorization-code flow with PKCE (S256): the verifier and state
// wait in a short-lived httpOnly cookie scoped to the callback, and the code is exchanged here,
// server to server. An access token about to expire is refreshed silently by whichever route
// handler needs it. The issuer's address comes from AUTH_ISSUER_URL at run time; the callback is on
// the storefront's configured public URL (storefront-url.ts), not on the origin the request shows.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { NextRequest, NextResponse } from "next/server";
import { storefrontBaseUrl, storefrontOrigin } from "./storefront-url";

/** The storefront's OAuth client id and callback path, as the issuer allows them (infra/topology.ts `auth`). */
export const AUTH_CLIENT_ID = "storefront";
export const CALLBACK_PATH = "/auth/callback";

const ACCESS_COOKIE = "sw_access";
const REFRESH_COOKIE = "sw_refresh";
const FLOW_COOKIE = "sw_signin";
const FLOW_SECONDS = 15 * 60;
const REFRESH_SECONDS = 30 * 24 * 60 * 60;
/** Refresh this long before the access token expires, so a request never carries a dying one. */
const EXPIRY_MARGIN_SECONDS = 30;
const ISSUER_TIMEOUT_MS = 8_000;

export function issuerUrl(): string {
  const value = process.env["AUTH_ISSUER_URL"]?.trim();
  if (value) return value.replace(/\/+$/, "");
  if (process.env.NODE_ENV !== "production") return "http://127.0.0.1:3002";
  throw new Error("AUTH_ISSUER_URL is not set: the storefront does not know where sign-in is.");
}

/** The one redirect URI the issuer allows: on the storefront's public URL. */
const callbackUrl = (request: NextRequest) => `${storefrontBaseUrl(request.nextUrl.origin)}${CALLBACK_PATH}`;

/** Where the browser goes after the callback: a path of this site, on its public origin. */
export function afterSignInUrl(request: NextRequest, returnTo: string): URL {
  return new URL(safeReturnPath(returnTo), storefrontOrigin(request.nextUrl.origin));
}

const https = (request: NextRequest) => request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";

const cookieOptions = (request: NextRequest, maxAge: number, path = "/") => ({
  httpOnly: true,
  sameSite: "lax" as const,
  secure: https(request),
  path,
  maxAge,
});

/** Where to go back after signing in: a path on this site only (never another origin). */
export function safeReturnPath(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\") || value.length > 512) return "/account";
  return value;
}

/** The issuer's sign-in page for this browser: state + PKCE verifier kept in a cookie for the callback. */
export function beginSignIn(request: NextRequest, response: NextResponse, returnTo: string): URL {
  const state = randomBytes(24).toString("base64url");
  const verifier = randomBytes(48).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  response.cookies.set(FLOW_COOKIE, JSON.stringify({ state, verifier, returnTo: safeReturnPath(returnTo) }), cookieOptions(request, FLOW_SECONDS, CALLBACK_PATH));
  const authorize = new URL(`${issuerUrl()}/authorize`);
  authorize.search = new URLSearchParams({
    client_id: AUTH_CLIENT_ID,
    redirect_uri: callbackUrl(request),
    response_type: "code",
    provider: "code",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  return authorize;
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

async function tokenRequest(form: Record<string, string>): Promise<Tokens | undefined> {
  const response = await fetch(`${issuerUrl()}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
    cache: "no-store",
    signal: AbortSignal.timeout(ISSUER_TIMEOUT_MS),
  });
  if (!response.ok) return undefined;
  const body = (await response.json()) as Partial<Tokens>;
  if (typeof body.access_token !== "string" || typeof body.refresh_token !== "string") return undefined;
  return { access_token: body.access_token, refresh_token: body.refresh_token, expires_in: Number(body.expires_in) || 0 };
}

function setSessionCookies(request: NextRequest, response: NextResponse, tokens: Tokens): void {
  response.cookies.set(ACCESS_COOKIE, tokens.access_token, cookieOptions(request, Math.max(60, tokens.expires_in)));
  response.cookies.set(REFRESH_COOKIE, tokens.refresh_token, cookieOptions(request, REFRESH_SECONDS));
}

export function clearSession(request: NextRequest, response: NextResponse): void {
  response.cookies.set(ACCESS_COOKIE, "", cookieOptions(request, 0));
  response.cookies.set(REFRESH_COOKIE, "", cookieOptions(request, 0));
}

/**
 * The callback: the state must be the one this browser started with (no login CSRF), then the
 * code is exchanged with the PKCE verifier. Answers the path to go back to, or undefined.
 */
export async function completeSignIn(request: NextRequest, response: NextResponse): Promise<string | undefined> {
  const raw = request.cookies.get(FLOW_COOKIE)?.value;
  response.cookies.set(FLOW_COOKIE, "", cookieOptions(request, 0, CALLBACK_PATH));
  let flow: { state?: unknown; verifier?: unknown; returnTo?: unknown } = {};
  try {
    flow = raw ? JSON.parse(raw) : {};
  } catch {
    return undefined;
  }
  const code = request.nextUrl.searchParams.get("code");
  const state = request.nextUrl.searchParams.get("state");
  if (!code || typeof flow.state !== "string" || typeof flow.verifier !== "string" || state !== flow.state) return undefined;
  const tokens = await tokenRequest({
    grant_type: "authorization_code",
    code,
    redirect_uri: callbackUrl(request),
    client_id: AUTH_CLIENT_ID,
    code_verifier: flow.verifier,
  }).catch(() => undefined);
  if (!tokens) return undefined;
  setSessionCookies(request, response, tokens);
  return safeReturnPath(typeof flow.returnTo === "string" ? flow.returnTo : undefined);
}

function expiresAt(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp : 0;
  } catch {
    return 0;
  }
}

/**
 * The access token to call the API with, refreshed silently when it is (nearly) expired; the new
 * cookies go on `response`. undefined when signed out (or the refresh token was refused: then
 * the session cookies are cleared). Validity is the API's to judge; only the timing is read here.
 */
export async function accessToken(request: NextRequest, response: NextResponse): Promise<string | undefined> {
  const access = request.cookies.get(ACCESS_COOKIE)?.value;
  if (access && expiresAt(access) - EXPIRY_MARGIN_SECONDS > Date.now() / 1000) return access;
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  if (!refresh) return undefined;
  const tokens = await tokenRequest({ grant_type: "refresh_token", refresh_token: refresh }).catch(() => undefined);
  if (!tokens) {
    clearSession(request, response);
    return undefined;
  }
  setSessionCookies(request, response, tokens);
  return tokens.access_token;
}

/**
 * State-changing storefront routes accept only same-origin requests: SameSite=Lax already keeps
 * the cookies off cross-site POSTs, and the Origin (or Sec-Fetch-Site) check refuses them outright.
 */
export function isSameOrigin(request: NextRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin";
  const origin = request.headers.get("origin");
  // The shop's public origin (what a browser names behind CloudFront) or, locally, the request's own.
  return origin !== null && (origin === storefrontOrigin(request.nextUrl.origin) || origin === request.nextUrl.origin);
}
