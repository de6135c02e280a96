// Runs before every page render, prefetches included (a document the browser prefetches is
// later shown as is, so it needs its CSP like any other): a fresh CSP nonce per rendered response
// (Next reads it from the request's Content-Security-Policy header and puts it on its own
// scripts), the page's Cache-Control (catalog pages are shared for a few seconds, the CDN keeping
// page and CSP together; all others private and unstored: lib/security-headers.ts), and HSTS when
// the shopper came over https. Static files skip this (they carry no scripts).
//
// It also takes order access tokens off order page URLs: a link from before tokens left URLs
// (/orders/{id}?token=…) is redirected to /orders/{id}#token=…, so the page, and everything it
// loads, is fetched from a URL without the token (a fragment is never sent to a server).
import { NextResponse, type NextRequest } from "next/server";
import { apiBaseUrl } from "./lib/api-base-url";
import { isOrderToken } from "./lib/order-access";
import { contentSecurityPolicy, newNonce, pageCacheControl, servedOverHttps, STRICT_TRANSPORT_SECURITY } from "./lib/security-headers";

function tokenOffTheUrl(request: NextRequest): NextResponse | null {
  if (!/^\/orders\/[^/]+$/.test(request.nextUrl.pathname)) return null;
  const token = request.nextUrl.searchParams.get("token");
  // Not a token (non-ASCII, CR/LF, too long): the page answers "not found".
  if (token === null || !isOrderToken(token)) return null;
  const target = request.nextUrl.clone();
  target.search = "";
  target.hash = `token=${token}`;
  const response = NextResponse.redirect(target, 303);
  response.headers.set("cache-control", "no-store");
  response.headers.set("referrer-policy", "no-referrer");
  return response;
}

export function proxy(request: NextRequest) {
  const redirect = tokenOffTheUrl(request);
  if (redirect) return redirect;
  const nonce = newNonce();
  const https = servedOverHttps(request.nextUrl, request.headers.get("x-forwarded-proto"));
  const policy = contentSecurityPolicy({
    nonce,
    apiOrigin: new URL(apiBaseUrl()).origin,
    development: process.env.NODE_ENV === "development",
    https,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  // Next keeps a Cache-Control that is already set; otherwise it would mark every page no-store.
  response.headers.set("cache-control", pageCacheControl(request.nextUrl.pathname));
  if (https) response.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  // No `missing: [next-router-prefetch, purpose: prefetch]` exclusion (Next's CSP example has
  // one): a prefetched page without a CSP would later run without one.
  matcher: ["/((?!_next/static|_next/image|images/|favicon.svg|robots.txt).*)"],
};
