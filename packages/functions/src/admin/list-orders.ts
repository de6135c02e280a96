// GET /admin/orders?status=&from=&to=&limit=&cursor= (newest first, from the byStatus index),
// ?email= (that shopper's orders, from the byEmail index) or ?id=ord_… for one order.
import * as z from "zod";
import { getAdminOrder, listOrdersByEmail, listOrdersByStatus, OrderListQuery } from "@shopwave/core/admin/list-orders";
import { DomainError } from "@shopwave/core/shared/domain-error";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseQuery } from "../http/request-parsing";
import { store } from "../shared/store";

const ById = z.object({ id: z.string().min(1).max(64) }).strict();
const ByEmail = z.object({ email: z.string().trim().min(3).max(254) }).strict();

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
  if (raw.email !== undefined) return jsonResponse(200, await listOrdersByEmail(store, parseQuery(event, ByEmail).email));
  return jsonResponse(200, await listOrdersByStatus(store, parseQuery(event, OrderListQuery)));
});
