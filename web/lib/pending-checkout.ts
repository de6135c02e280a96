// The checkout the shopper last started, kept in localStorage. Placing an order reserves its
// stock until the Checkout Session expires, so a shopper who comes back from the payment page
// (declined card, "Back") and checks out the same cart again is sent back to the same session
// instead of reserving the stock a second time. Once the order page shows the order paid, the
// cart and this record are cleared. Checking out a different cart cancels the earlier order first,
// so its stock goes back at once (POST /orders/{id}/cancel).
import type { CartLine } from "./cart-store";

export interface PendingCheckout {
  orderId: string;
  accessToken: string;
  checkoutUrl: string;
  email: string;
  /** The cart the order was placed for (see cartKey). */
  cartKey: string;
}

const STORAGE_KEY = "shopwave.checkout.v1";

/** Same products in the same quantities, whatever their order in the cart. */
export function cartKey(lines: readonly CartLine[]): string {
  return [...lines]
    .sort((a, b) => a.productId.localeCompare(b.productId))
    .map((line) => `${line.productId}×${line.quantity}`)
    .join(",");
}

export function readPendingCheckout(): PendingCheckout | null {
  try {
    const value = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "null") as Partial<PendingCheckout> | null;
    if (value && typeof value.orderId === "string" && typeof value.accessToken === "string" && typeof value.checkoutUrl === "string" && typeof value.email === "string" && typeof value.cartKey === "string") {
      return value as PendingCheckout;
    }
  } catch {
    // unreadable: treated as none
  }
  return null;
}

export function rememberPendingCheckout(checkout: PendingCheckout): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(checkout));
  } catch {
    // storage full or disabled: the next checkout simply places a new order
  }
}

export function forgetPendingCheckout(): void {
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing to forget
  }
}
