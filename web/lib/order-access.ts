// The access tokens of the orders this browser placed, kept in localStorage: the order page
// reads its order with one (Authorization: Bearer), so no token is ever in a storefront URL,
// where it would be sent to the server, logged by the CDN and leaked in Referer. A link the shop
// hands out (an email) carries the token in the URL fragment (`/orders/{id}#token=…`), which
// browsers never send anywhere; the order page moves it from there into this store.

/** base64url as the API issues them; anything else is not a token (same shape the API accepts). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;
const STORAGE_KEY = "shopwave.orders.v1";
/** Enough for any shopper's recent orders; the oldest are forgotten first. */
const MAX_REMEMBERED = 20;

interface RememberedOrder {
  orderId: string;
  token: string;
}

export function isOrderToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/** The order link's fragment: its token, "malformed" for something else, or null for none. */
export function tokenFromFragment(hash: string): string | "malformed" | null {
  const value = new URLSearchParams(hash.replace(/^#/, "")).get("token");
  if (value === null) return null;
  return isOrderToken(value) ? value : "malformed";
}

function readAll(): RememberedOrder[] {
  try {
    const value: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "[]");
    if (!Array.isArray(value)) return [];
    return value.filter(
      (item): item is RememberedOrder => typeof item?.orderId === "string" && typeof item?.token === "string" && isOrderToken(item.token),
    );
  } catch {
    return []; // unreadable: treated as none
  }
}

/** Keeps an order's token; false when the browser would not store it (storage disabled or full). */
export function rememberOrderToken(orderId: string, token: string): boolean {
  try {
    const others = readAll().filter((item) => item.orderId !== orderId);
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify([{ orderId, token }, ...others].slice(0, MAX_REMEMBERED)));
    return true;
  } catch {
    return false;
  }
}

export function rememberedOrderToken(orderId: string): string | null {
  return readAll().find((item) => item.orderId === orderId)?.token ?? null;
}

export function forgetOrderToken(orderId: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(readAll().filter((item) => item.orderId !== orderId)));
  } catch {
    // nothing to forget
  }
}
