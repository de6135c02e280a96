// POST /orders: validates the cart, reserves stock, and answers with the Checkout URL the
// shopper is redirected to and the token that lets them read their order.
import { createOrder, CreateOrderInput, reservationMinutesFrom } from "@shopwave/core/orders/create-order";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";
import { parseJsonBody } from "../http/request-parsing";
import { countMetric } from "../shared/observability";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

const storefrontUrl = (process.env.STOREFRONT_URL ?? "http://localhost:3000").replace(/\/$/, "");
const reservationMinutes = reservationMinutesFrom(process.env.ORDER_RESERVATION_MINUTES);

export const settings = {
  reservationMinutes,
  successUrl: (orderId: string, token: string) =>
    `${storefrontUrl}/orders/${encodeURIComponent(orderId)}?token=${encodeURIComponent(token)}`,
  cancelUrl: (orderId: string) => `${storefrontUrl}/cart?cancelled=${encodeURIComponent(orderId)}`,
};

export const handler = httpHandler("POST /orders", async (event, log) => {
  const input = parseJsonBody(event, CreateOrderInput, { maxBytes: 16 * 1024 });
  try {
    const placed = await createOrder({ store, checkout: checkoutGateway, settings }, input);
    log.appendKeys({ orderId: placed.order.id });
    log.info("order created", { totalCents: placed.order.totalCents, lines: placed.order.items.length });
    countMetric("OrdersCreated");
    return jsonResponse(201, placed, { location: `/orders/${placed.order.id}` });
  } catch (error) {
    countMetric(
      error instanceof Error && "code" in error && error.code === "OUT_OF_STOCK" ? "OrdersRejectedOutOfStock" : "OrdersFailed",
    );
    throw error;
  }
});
