// GET /admin/orders/{id}: the whole order for an operator, with its event timeline (what the
// timeline consumer recorded) and its Checkout Session and payment as Stripe reports them now.
import { getAdminOrder } from "@shopwave/core/admin/list-orders";
import { readTimeline } from "@shopwave/core/order-events/order-timeline";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

export const handler = adminHandler("GET /admin/orders/{id}", async (event, _operator, log) => {
  const orderId = event.pathParameters?.id ?? "";
  log.appendKeys({ orderId });
  const order = await getAdminOrder(store, orderId);
  const [timeline, session, payment] = await Promise.all([
    readTimeline(store, orderId),
    order.checkoutSessionId ? checkoutGateway.getSession(order.checkoutSessionId).catch(() => null) : null,
    order.paymentIntentId ? checkoutGateway.getPayment(order.paymentIntentId).catch(() => null) : null,
  ]);
  return jsonResponse(200, { order, timeline, stripe: { session, payment } });
});
