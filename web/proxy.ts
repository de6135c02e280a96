// Runs before every page render: a fresh CSP nonce per response (Next reads it from the
// request's Content-Security-Policy header and puts it on its own scripts), and HSTS when the
// shopper came over https. Static files and prefetches skip this (they carry no scripts to allow).
import { NextResponse, type NextRequest } from "next/server";
import { apiBaseUrl } from "./lib/api-base-url";
import { contentSecurityPolicy, newNonce, servedOverHttps, STRICT_TRANSPORT_SECURITY } from "./lib/security-headers";

export function proxy(request: NextRequest) {
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
  if (https) response.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|images/|favicon.svg|robots.txt).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
