// POST /orders: validates the cart, reserves stock, and answers with the Checkout URL the
// shopper is redirected to and the token that lets them read their order.
import { createOrder, CreateOrderInput } from "@shopwave/core/orders/create-order";
import { ZodError } from "zod";
import { clientHolder } from "@shopwave/core/orders/reservation-holds";
import { HoldLimitReached, OutOfStock, RateLimited, ValidationFailed } from "@shopwave/core/shared/domain-error";
import { consumeRateLimit } from "@shopwave/core/shared/rate-limit";
import { optionalPrincipal } from "../http/authenticate";
import { HttpError } from "../http/http-error";
import { httpHandler } from "../http/http-handler";
import { jsonResponse } from "../http/json-response";
import { parseJsonBody } from "../http/request-parsing";
import { countMetric } from "../shared/observability";
import { settings } from "../shared/settings";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

const storefrontUrl = settings.storefrontUrl();
/** Orders per client address, e.g. "10/60s"; unset or "off" disables it (the local default). */
const rateLimit = settings.orderRateLimit();
/** What one email / client address may hold in unpaid orders (ORDER_HOLDS_PER_EMAIL, ORDER_HOLDS_PER_CLIENT). */
const holdLimits = settings.holdLimits();

const orderSettings = {
  reservationMinutes: settings.reservationMinutes(),
  // Stripe fills in {CHECKOUT_SESSION_ID}. No access token here: the storefront kept it.
  successUrl: (orderId: string) => `${storefrontUrl}/orders/${encodeURIComponent(orderId)}?session_id={CHECKOUT_SESSION_ID}`,
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
    // A token is optional (guests check out too), but one that came must be valid: never a guest by
    // accident. Checking it is local work (cached keys), so it may come before the rate limit.
    const customer = await optionalPrincipal(event);
    // Before any parsing or reads: a client over its allowance costs one write. An IPv6 client
    // counts by its /64, as for the holds, or it could rotate through 2^64 addresses. A signed-in
    // customer's order arrives through the storefront's server (their token is in an httpOnly
    // cookie), whose address is everyone's: they are counted by customer id instead, and their
    // verified email's holds stand in for the client address's.
    const sourceIp = event.requestContext.http.sourceIp;
    const requester = customer ? `customer:${customer.customerId}` : (clientHolder(sourceIp) ?? sourceIp);
    if (rateLimit) await consumeRateLimit(store, "orders", requester, rateLimit);
    const input = parseJsonBody(event, CreateOrderInput, { maxBytes: 16 * 1024 });
    const placed = await createOrder(
      { store, checkout: checkoutGateway, settings: orderSettings, holdLimits },
      input,
      customer ? { customer } : { clientAddress: sourceIp },
    );
    if (customer) log.appendKeys({ customerId: customer.customerId });
    log.appendKeys({ orderId: placed.order.id });
    log.info("order created", { totalCents: placed.order.totalCents, lines: placed.order.items.length });
    countMetric("OrdersCreated");
    return jsonResponse(201, placed, { location: `/orders/${placed.order.id}` });
  } catch (error) {
    countMetric(failureMetric(error));
    throw error;
  }
});
