// GET /api/account/orders/{id}: one of the signed-in customer's orders (live status on any device).
import type { NextRequest } from "next/server";
import { proxyToApi } from "../../../../../lib/api-proxy";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  return proxyToApi(request, `/me/orders/${encodeURIComponent(id)}`, { method: "GET" });
}
