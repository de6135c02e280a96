// POST /api/orders: a signed-in customer's checkout. The order goes to the API with their access
// token (httpOnly, so the browser cannot send it itself); guests call the API directly. Same-origin
// requests only: SameSite=Lax cookies plus an Origin check make a cross-site order impossible.
import { NextResponse, type NextRequest } from "next/server";
import { proxyToApi } from "../../../lib/api-proxy";
import { isSameOrigin } from "../../../lib/auth-session";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: { code: "FORBIDDEN", message: "Cross-site request refused." } }, { status: 403 });
  const body = await request.text();
  if (body.length > 16 * 1024) return NextResponse.json({ error: { code: "PAYLOAD_TOO_LARGE", message: "The order is too large." } }, { status: 413 });
  return proxyToApi(request, "/orders", { method: "POST", body });
}
