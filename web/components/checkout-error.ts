// Turns a failed POST /orders into what the shopper is told and can do about it.
import { ApiError, ApiUnreachableError, type OutOfStockItem } from "../lib/shop-api";

export interface CheckoutProblem {
  title: string;
  lines: string[];
  /** Present for OUT_OF_STOCK: the items and what is left of each, to fix the cart with. */
  outOfStock?: OutOfStockItem[];
}

export function describeCheckoutError(error: unknown): CheckoutProblem {
  if (error instanceof ApiUnreachableError) {
    return { title: "We couldn't reach Shopwave.", lines: ["Check your connection and try again. Nothing was charged."] };
  }
  if (error instanceof ApiError) {
    const items = error.outOfStockItems;
    if (items.length > 0) {
      return {
        title: items.length === 1 ? "One item is no longer available in that quantity." : "Some items are no longer available in those quantities.",
        lines: items.map((item) =>
          item.available <= 0
            ? `${item.name} is sold out.`
            : `${item.name}: only ${item.available} left (you asked for ${item.requested}).`,
        ),
        outOfStock: items,
      };
    }
    const wait = error.retryAfterSeconds ? ` in ${error.retryAfterSeconds} seconds` : " in a moment";
    if (error.status === 503) {
      return { title: "Payments are temporarily unavailable.", lines: [`Nothing was charged. Please try again${wait}.`] };
    }
    if (error.code === "HOLD_LIMIT_REACHED") {
      // Not a matter of seconds: the shopper already holds stock in unpaid orders.
      // The API's message says what to do (pay or cancel a pending order, or order less).
      const title = error.retryAfterSeconds ? "You already have unpaid orders holding items." : "That is more than one customer can reserve at once.";
      return { title, lines: [error.message] };
    }
    if (error.status === 429) {
      return { title: "Too many checkout attempts.", lines: [`Nothing was charged. Please try again${wait}.`] };
    }
    if (error.status === 400) {
      return { title: "Please check your details.", lines: [error.message] };
    }
  }
  return { title: "Something went wrong placing your order.", lines: ["Nothing was charged. Please try again."] };
}
