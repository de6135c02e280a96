// POST /orders/{id}/cancel (Authorization: Bearer <accessToken>, or ?token=): the shopper gives up
// a pending order; its Checkout Session is expired and its stock released now.
import { cancelOrderAsShopper } from "@shopwave/core/orders/cancel-order";
import { NotFound } from "@shopwave/core/shared/domain-error";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";
import { accessTokenOf } from "../http/access-token";
import { countMetric } from "../shared/observability";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

export const handler = httpHandler("POST /orders/{id}/cancel", async (event, log) => {
  const orderId = event.pathParameters?.id ?? "";
  const token = accessTokenOf(event);
  if (!token) throw new NotFound("Order");
  log.appendKeys({ orderId });
  const order = await cancelOrderAsShopper({ store, checkout: checkoutGateway }, orderId, token);
  countMetric("OrdersCancelledByShopper");
  log.info("order cancelled by its shopper");
  return jsonResponse(200, order);
});
