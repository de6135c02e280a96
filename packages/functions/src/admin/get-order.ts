// GET /admin/orders/{id}: the whole order for an operator, with its Checkout Session and payment
// as Stripe reports them now.
import { getAdminOrder } from "@shopwave/core/admin/list-orders";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

export const handler = adminHandler("GET /admin/orders/{id}", async (event, _operator, log) => {
  const orderId = event.pathParameters?.id ?? "";
  log.appendKeys({ orderId });
  const order = await getAdminOrder(store, orderId);
  const [session, payment] = await Promise.all([
    order.checkoutSessionId ? checkoutGateway.getSession(order.checkoutSessionId).catch(() => null) : null,
    order.paymentIntentId ? checkoutGateway.getPayment(order.paymentIntentId).catch(() => null) : null,
  ]);
  return jsonResponse(200, { order, stripe: { session, payment } });
});
