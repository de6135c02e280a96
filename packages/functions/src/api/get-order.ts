// GET /orders/{id}?token=… (or Authorization: Bearer …): the shopper's view of their order, with its timeline.
import { NotFound } from "@shopwave/core/shared/domain-error";
import { readOrderWithTimeline } from "@shopwave/core/orders/read-order";
import { accessTokenOf } from "../http/access-token";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";
import { store } from "../shared/store";

export const handler = httpHandler("GET /orders/{id}", async (event, log) => {
  const orderId = event.pathParameters?.id ?? "";
  const token = accessTokenOf(event);
  if (!token) throw new NotFound("Order");
  log.appendKeys({ orderId });
  return jsonResponse(200, await readOrderWithTimeline(store, orderId, token));
});
