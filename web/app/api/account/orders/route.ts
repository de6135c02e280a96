// GET /api/account/orders?cursor=: the signed-in customer's order history, a page at a time.
import type { NextRequest } from "next/server";
import { proxyToApi } from "../../../../lib/api-proxy";

export const dynamic = "force-dynamic";

export function GET(request: NextRequest) {
  const cursor = request.nextUrl.searchParams.get("cursor");
  const query = new URLSearchParams({ limit: "10", ...(cursor ? { cursor } : {}) });
  return proxyToApi(request, `/me/orders?${query.toString()}`, { method: "GET" });
}
