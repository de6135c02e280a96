// POST /auth/sign-out: ends the session (cookies cleared). Same-origin requests only.
import { NextResponse, type NextRequest } from "next/server";
import { clearSession, isSameOrigin } from "../../../lib/auth-session";

export const dynamic = "force-dynamic";

export function POST(request: NextRequest) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: { code: "FORBIDDEN", message: "Cross-site request refused." } }, { status: 403 });
  const response = new NextResponse(null, { status: 303, headers: { location: new URL("/", request.nextUrl.origin).toString(), "cache-control": "no-store" } });
  clearSession(request, response);
  return response;
}
