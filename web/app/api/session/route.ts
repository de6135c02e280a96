// GET /api/session: who is signed in ({ signedIn, email, roles }), as the API verifies the token.
import { NextResponse, type NextRequest } from "next/server";
import { proxyToApi } from "../../../lib/api-proxy";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const me = await proxyToApi(request, "/me", { method: "GET" });
  const body = me.status === 200 ? ((await me.clone().json()) as { email: string; roles: string[] }) : undefined;
  const response = NextResponse.json(body ? { signedIn: true, email: body.email, roles: body.roles } : { signedIn: false });
  for (const cookie of me.cookies.getAll()) response.cookies.set(cookie);
  response.headers.set("cache-control", "no-store");
  return response;
}
