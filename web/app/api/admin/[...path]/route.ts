// /api/admin/… → the API's /admin/…, with the signed-in operator's access token from the session
// cookies (the browser never holds it). The API checks the token and the operator role on every
// route; this proxy adds nothing but the token, and passes the answer (401/403 included) through.
import type { NextRequest } from "next/server";
import { proxyToApi } from "../../../../lib/api-proxy";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 8192;

function apiPath(request: NextRequest, path: readonly string[]): string {
  return `/admin/${path.map(encodeURIComponent).join("/")}${request.nextUrl.search}`;
}

export async function GET(request: NextRequest, { params }: RouteContext<"/api/admin/[...path]">) {
  return proxyToApi(request, apiPath(request, (await params).path), { method: "GET" });
}

export async function POST(request: NextRequest, { params }: RouteContext<"/api/admin/[...path]">) {
  const body = await request.text();
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: "The body is too large." } }, { status: 413 });
  return proxyToApi(request, apiPath(request, (await params).path), { method: "POST", body });
}
