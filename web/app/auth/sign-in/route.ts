// GET /auth/sign-in?returnTo=/path: starts sign-in at the issuer (authorization code + PKCE).
import { NextResponse, type NextRequest } from "next/server";
import { beginSignIn } from "../../../lib/auth-session";

export const dynamic = "force-dynamic";

export function GET(request: NextRequest) {
  const response = new NextResponse(null, { status: 303 });
  const target = beginSignIn(request, response, request.nextUrl.searchParams.get("returnTo") ?? "/account");
  response.headers.set("location", target.toString());
  response.headers.set("cache-control", "no-store");
  return response;
}
