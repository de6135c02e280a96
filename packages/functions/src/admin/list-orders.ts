// GET /admin/orders?status=&from=&to=&limit=&cursor= (newest first, from the byStatus index), or
// ?id=ord_… for one order: the console's order search.
import * as z from "zod";
import { getAdminOrder, listOrdersByStatus, OrderListQuery } from "@shopwave/core/admin/list-orders";
import { DomainError } from "@shopwave/core/shared/domain-error";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseQuery } from "../http/request-parsing";
import { store } from "../shared/store";

const ById = z.object({ id: z.string().min(1).max(64) }).strict();

export const handler = adminHandler("GET /admin/orders", async (event) => {
  const raw = event.queryStringParameters ?? {};
  if (raw.id !== undefined) {
    const { id } = parseQuery(event, ById);
    try {
      return jsonResponse(200, { orders: [await getAdminOrder(store, id)] });
    } catch (error) {
      if (error instanceof DomainError && error.code === "NOT_FOUND") return jsonResponse(200, { orders: [] });
      throw error;
    }
  }
  return jsonResponse(200, await listOrdersByStatus(store, parseQuery(event, OrderListQuery)));
});
