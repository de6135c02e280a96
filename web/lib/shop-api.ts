// The storefront's client for Shopwave's HTTP API (the contract in docs/architecture.md), used by
// Server Components and by the browser alike: typed responses, and failures turned into two
// errors a page can explain to a shopper (the API said no, or the API could not be reached).
import { CATALOG_REVALIDATE_SECONDS } from "./security-headers";

export interface Product {
  id: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  imageUrl: string;
  stock: number;
}

export type OrderStatus = "PENDING_PAYMENT" | "CONFIRMED" | "CANCELLED" | "REFUNDED";

/** One step in an order's history (GET /orders/{id} `timeline`, oldest first). */
export interface TimelineEntry {
  kind: "placed" | "payment_received" | "confirmed" | "email_sent" | "cancelled" | "refunded";
  at: string;
  detail?: Record<string, string | number | boolean>;
}

export interface Order {
  id: string;
  status: OrderStatus;
  email: string;
  items: { productId: string; name: string; unitPriceCents: number; quantity: number }[];
  totalCents: number;
  currency: string;
  checkoutUrl: string | null;
  cancellationReason: string | null;
  createdAt: string;
  expiresAt: string;
  /** Absent from an API that does not report it yet. */
  timeline?: TimelineEntry[];
}

export interface PlacedOrder {
  order: Order;
  checkoutUrl: string;
  accessToken: string;
}

export interface OutOfStockItem {
  productId: string;
  name: string;
  requested: number;
  available: number;
}

/** The API answered with an error body `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    /** Seconds from a Retry-After header (503 while Stripe is unreachable). */
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The per-item availability of a 409 OUT_OF_STOCK answer, or [] for any other error. */
  get outOfStockItems(): OutOfStockItem[] {
    if (this.code !== "OUT_OF_STOCK") return [];
    const items = (this.details as { items?: unknown } | null)?.items;
    return Array.isArray(items) ? (items as OutOfStockItem[]) : [];
  }
}

/** The API could not be reached at all (network down, DNS, timeout): worth retrying. */
export class ApiUnreachableError extends Error {
  constructor(readonly url: string, options: { cause: unknown }) {
    super(`The Shopwave API at ${new URL(url).origin} could not be reached.`, options);
    this.name = "ApiUnreachableError";
  }
}

const TIMEOUT_MS = 8_000;

/**
 * How a read may be cached: catalog reads made on the server go through Next's data cache (shared
 * by every render for CATALOG_REVALIDATE_SECONDS, then refreshed in the background), so catalog
 * pages do not read the API per view. The browser always asks the API afresh: the cart shows what
 * is left now, right before checkout. Orders are never cached.
 */
type Caching = "catalog" | "none";
const onServer = typeof window === "undefined";

async function request<T>(
  baseUrl: string,
  path: string,
  init: { method?: "GET" | "POST"; body?: unknown; token?: string; caching?: Caching } = {},
): Promise<T> {
  const url = `${baseUrl.replace(/\/$/, "")}${path}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  // The order token travels in a header, not the URL, so it stays out of access logs.
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.caching === "catalog" && onServer ? { next: { revalidate: CATALOG_REVALIDATE_SECONDS } } : { cache: "no-store" as const }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw new ApiUnreachableError(url, { cause });
  }
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return body as T;
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const retryAfter = Number(response.headers.get("retry-after"));
  throw new ApiError(
    response.status,
    typeof error?.code === "string" ? error.code : `HTTP_${response.status}`,
    typeof error?.message === "string" ? error.message : `The API answered ${response.status}.`,
    error?.details ?? null,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}

const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;

/** The whole catalog, following the API's cursors (it is small; the cap guards against a loop). */
export async function listProducts(baseUrl: string): Promise<Product[]> {
  const products: Product[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const query = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const result = await request<{ items: Product[]; nextCursor?: string }>(baseUrl, `/products${query}`, { caching: "catalog" });
    products.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return products;
}

/** One product, or null when the catalog has no such product. */
export async function getProduct(baseUrl: string, id: string): Promise<Product | null> {
  try {
    return await request<Product>(baseUrl, `/products/${encodeURIComponent(id)}`, { caching: "catalog" });
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** The order, or null for an unknown order or a wrong token (the API does not tell them apart). */
export async function getOrder(baseUrl: string, id: string, token: string): Promise<Order | null> {
  try {
    return await request<Order>(baseUrl, `/orders/${encodeURIComponent(id)}`, { token });
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Gives up a pending order: its payment page closes and its stock goes back now. */
export function cancelOrder(baseUrl: string, id: string, token: string): Promise<Order> {
  return request<Order>(baseUrl, `/orders/${encodeURIComponent(id)}/cancel`, { method: "POST", token });
}

/**
 * Back from Checkout: asks the API to settle the order from its own Checkout Session now rather
 * than when the webhook lands. Answers the order as it is afterwards, or null (unknown order or token).
 */
export async function fulfilOrder(baseUrl: string, id: string, token: string, sessionId: string): Promise<Order | null> {
  try {
    return await request<Order>(baseUrl, `/orders/${encodeURIComponent(id)}/fulfil`, { method: "POST", token, body: { sessionId } });
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export function placeOrder(baseUrl: string, input: { email: string; items: { productId: string; quantity: number }[] }): Promise<PlacedOrder> {
  return request<PlacedOrder>(baseUrl, "/orders", { method: "POST", body: input });
}
