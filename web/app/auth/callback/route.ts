// GET /auth/callback?code=&state=: the issuer sends the browser back here; the code is exchanged
// server-side and the session set in httpOnly cookies. The code never reaches a page or a log line:
// the answer is a redirect to a URL without it.
import { NextResponse, type NextRequest } from "next/server";
import { afterSignInUrl, completeSignIn } from "../../../lib/auth-session";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const response = new NextResponse(null, { status: 303 });
  const returnTo = await completeSignIn(request, response);
  response.headers.set("location", afterSignInUrl(request, returnTo ?? "/account?signin=failed").toString());
  response.headers.set("cache-control", "no-store");
  response.headers.set("referrer-policy", "no-referrer");
  return response;
}
