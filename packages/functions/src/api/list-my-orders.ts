// GET /me/orders?limit=&cursor=: the signed-in customer's orders, newest first, including the
// guest orders placed with the email they verified.
import * as z from "zod";
import { listCustomerOrders, MAX_ORDERS_PAGE } from "@shopwave/core/accounts/customer-orders";
import { authenticate } from "../http/authenticate";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";
import { parseQuery } from "../http/request-parsing";
import { store } from "../shared/store";

const Query = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_ORDERS_PAGE).default(10),
    cursor: z.string().min(1).max(1024).optional(),
  })
  .strict();

export const handler = httpHandler("GET /me/orders", async (event, log) => {
  const principal = await authenticate(event);
  log.appendKeys({ customerId: principal.customerId });
  const query = parseQuery(event, Query);
  return jsonResponse(200, await listCustomerOrders(store, principal, query));
});
