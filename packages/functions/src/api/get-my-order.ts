// GET /me/orders/{id}: one of the signed-in customer's orders (another device, no order token);
// anyone else's order, or none, is the same 404.
import { readCustomerOrder } from "@shopwave/core/accounts/customer-orders";
import { authenticate } from "../http/authenticate";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";
import { store } from "../shared/store";

export const handler = httpHandler("GET /me/orders/{id}", async (event, log) => {
  const principal = await authenticate(event);
  const orderId = event.pathParameters?.id ?? "";
  log.appendKeys({ customerId: principal.customerId, orderId });
  return jsonResponse(200, await readCustomerOrder(store, principal, orderId));
});
