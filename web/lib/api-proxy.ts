// Calls the API from the storefront's server with the signed-in customer's access token (the
// browser never sees it: the cookies are httpOnly) and hands the API's answer back as is, with
// any refreshed session cookies. No token, no call: 401 in the API's error shape.
import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { apiBaseUrl } from "./api-base-url";
import { accessToken } from "./auth-session";

const TIMEOUT_MS = 15_000;

export async function proxyToApi(request: NextRequest, path: string, init: { method: "GET" | "POST"; body?: string; requireToken?: boolean }): Promise<NextResponse> {
  const carrier = new NextResponse(null);
  const token = await accessToken(request, carrier);
  let response: NextResponse;
  if (!token && init.requireToken !== false) {
    response = NextResponse.json({ error: { code: "UNAUTHENTICATED", message: "Sign in to continue." } }, { status: 401 });
  } else {
    try {
      const answer = await fetch(`${apiBaseUrl()}${path}`, {
        method: init.method,
        headers: {
          accept: "application/json",
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(init.body === undefined ? {} : { body: init.body }),
        cache: "no-store",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const headers = new Headers({ "content-type": answer.headers.get("content-type") ?? "application/json" });
      const retryAfter = answer.headers.get("retry-after");
      if (retryAfter) headers.set("retry-after", retryAfter);
      response = new NextResponse(await answer.text(), { status: answer.status, headers });
    } catch {
      response = NextResponse.json({ error: { code: "API_UNREACHABLE", message: "The shop's API could not be reached." } }, { status: 502 });
    }
  }
  for (const cookie of carrier.cookies.getAll()) response.cookies.set(cookie);
  response.headers.set("cache-control", "no-store");
  return response;
}
