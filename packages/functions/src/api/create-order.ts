// POST /orders: validates the cart, reserves stock, and answers with the Checkout URL the
// shopper is redirected to and the token that lets them read their order.
import { createOrder, CreateOrderInput } from "@shopwave/core/orders/create-order";
import { reservationMinutesFrom } from "@shopwave/core/orders/reservation-window";
import { ZodError } from "zod";
import { clientHolder, holdLimitsFrom } from "@shopwave/core/orders/reservation-holds";
import { HoldLimitReached, OutOfStock, RateLimited, ValidationFailed } from "@shopwave/core/shared/domain-error";
import { consumeRateLimit, parseRateLimit } from "@shopwave/core/shared/rate-limit";
import { HttpError } from "../http/http-error";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";
import { parseJsonBody } from "../http/request-parsing";
import { countMetric } from "../shared/observability";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

const storefrontUrl = (process.env.STOREFRONT_URL ?? "http://localhost:3000").replace(/\/$/, "");
const reservationMinutes = reservationMinutesFrom(process.env.ORDER_RESERVATION_MINUTES);
/** Orders per client IP, e.g. "10/60s"; unset or "off" disables it (the local default). */
const rateLimit = parseRateLimit(process.env.ORDER_RATE_LIMIT, "ORDER_RATE_LIMIT");
/** What one email / client address may hold in unpaid orders (ORDER_HOLDS_PER_EMAIL, ORDER_HOLDS_PER_CLIENT). */
const holdLimits = holdLimitsFrom(process.env);

export const settings = {
  reservationMinutes,
  successUrl: (orderId: string, token: string) =>
    `${storefrontUrl}/orders/${encodeURIComponent(orderId)}?token=${encodeURIComponent(token)}`,
  cancelUrl: (orderId: string) => `${storefrontUrl}/cart?cancelled=${encodeURIComponent(orderId)}`,
};

/** Which counter a refused or failed order creation goes to. */
function failureMetric(error: unknown): string {
  if (error instanceof RateLimited) return "OrdersRateLimited";
  if (error instanceof HoldLimitReached) return "OrdersRejectedHoldLimit";
  if (error instanceof OutOfStock) return "OrdersRejectedOutOfStock";
  if (error instanceof ValidationFailed || error instanceof HttpError || error instanceof ZodError) return "OrdersRejectedInvalid";
  return "OrdersFailed";
}

export const handler = httpHandler("POST /orders", async (event, log) => {
  try {
    // Before any parsing or reads: a client over its allowance costs one write. An IPv6 client
    // counts by its /64, as for the holds, or it could rotate through 2^64 addresses.
    const sourceIp = event.requestContext.http.sourceIp;
    if (rateLimit) await consumeRateLimit(store, "orders", clientHolder(sourceIp) ?? sourceIp, rateLimit);
    const input = parseJsonBody(event, CreateOrderInput, { maxBytes: 16 * 1024 });
    const placed = await createOrder({ store, checkout: checkoutGateway, settings, holdLimits }, input, {
      clientAddress: sourceIp,
    });
    log.appendKeys({ orderId: placed.order.id });
    log.info("order created", { totalCents: placed.order.totalCents, lines: placed.order.items.length });
    countMetric("OrdersCreated");
    return jsonResponse(201, placed, { location: `/orders/${placed.order.id}` });
  } catch (error) {
    countMetric(failureMetric(error));
    throw error;
  }
});
