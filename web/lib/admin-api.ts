// The console's client for the `/admin/…` API (operator's guide: docs/operations.md), through the
// storefront's own /api/admin proxy, which adds the signed-in operator's token from the session
// cookies. A 401 or 403 surfaces as an ApiError the console turns into "operators only". Nothing
// here is cached: the console always shows the present.
import { ApiError, ApiUnreachableError, type OrderStatus, type TimelineEntry } from "./shop-api";

export interface AdminOrder {
  id: string;
  status: OrderStatus;
  email: string;
  items: { productId: string; name: string; unitPriceCents: number; quantity: number }[];
  totalCents: number;
  currency: string;
  checkoutSessionId?: string;
  paymentIntentId?: string;
  cancellationReason?: string;
  createdAt: string;
  updatedAt: string;
  refundedCents: number;
  refunds?: { refundId: string; amountCents: number; reason: string; note: string; operatorId: string; at: string }[];
  paymentMismatches?: unknown[];
}

export interface DeadLetterQueue {
  resource: string;
  source: string;
  maxReceiveCount: number;
  depth: number;
  inFlight: number;
}

export interface QueueDepth {
  resource: string;
  depth: number;
  inFlight: number;
}

export interface OrderCounts {
  placed: number;
  confirmed: number;
  cancelled: number;
  refunded: number;
}

/** GET /admin/sales (core/admin/sale-snapshot.ts and the handler's queue depths). */
export interface SaleSnapshot {
  at: string;
  since: string;
  orders: { total: OrderCounts; minutes: (OrderCounts & { minute: string })[] };
  products: {
    productId: string;
    name: string;
    stock: number;
    currency?: string;
    total: { unitsSold: number; revenueCents: number; unitsRefunded: number; refundedCents: number };
    minutes: { minute: string; unitsSold: number; revenueCents: number; unitsRefunded: number; refundedCents: number }[];
  }[];
  queues: QueueDepth[];
  deadLetters: DeadLetterQueue[];
}

export interface DeadLetter {
  messageId: string;
  body: string;
  messageAttributes: Record<string, string>;
  receiveCount: number;
  sentAt?: string;
  firstReceivedAt?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  operatorId: string;
  operatorEmail: string;
  action: string;
  target: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
  result: "succeeded" | "no_change" | "failed";
  error?: string;
}

export function createAdminApi() {
  async function request<T>(path: string, init: { method?: "GET" | "POST"; body?: unknown } = {}): Promise<T> {
    const url = `/api${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method ?? "GET",
        headers: { accept: "application/json", ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        cache: "no-store",
        signal: AbortSignal.timeout(20_000),
      });
    } catch (cause) {
      throw new ApiUnreachableError(new URL(url, window.location.origin).toString(), { cause });
    }
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.ok) return body as T;
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `The API answered ${response.status}.`, error?.details ?? null, null);
  }
  const q = (params: Record<string, string | undefined>) => {
    const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "");
    return entries.length ? `?${new URLSearchParams(entries)}` : "";
  };
  return {
    listOrders: (params: { status: OrderStatus; from?: string; to?: string; cursor?: string; limit?: string }) =>
      request<{ orders: AdminOrder[]; nextCursor?: string }>(`/admin/orders${q(params)}`),
    findByEmail: (email: string) => request<{ orders: AdminOrder[] }>(`/admin/orders${q({ email })}`),
    stock: (productId: string) => request<{ available: number; reserved: number; sold: number }>(`/admin/products/${encodeURIComponent(productId)}/stock`),
    adjustStock: (productId: string, body: { requestId: string; change: { set: number } | { add: number }; reason: string }) =>
      request<{ before: { available: number; reserved: number }; after: { available: number; reserved: number }; replayed: boolean }>(`/admin/products/${encodeURIComponent(productId)}/stock`, {
        method: "POST",
        body,
      }),
    findOrder: (id: string) => request<{ orders: AdminOrder[] }>(`/admin/orders${q({ id })}`),
    getOrder: (id: string) => request<{ order: AdminOrder; timeline: TimelineEntry[]; stripe: { session: unknown; payment: unknown } }>(`/admin/orders/${encodeURIComponent(id)}`),
    refund: (id: string, body: { requestId: string; amountCents?: number; reason: string; note: string }) =>
      request<{ refund: { refundId: string; amountCents: number }; replayed: boolean; remainingCents: number }>(`/admin/orders/${encodeURIComponent(id)}/refunds`, { method: "POST", body }),
    cancel: (id: string, note: string) => request<unknown>(`/admin/orders/${encodeURIComponent(id)}/cancel`, { method: "POST", body: { note } }),
    deadLetterQueues: () => request<{ queues: DeadLetterQueue[] }>("/admin/dead-letters"),
    deadLetters: (queue: string) => request<{ messages: DeadLetter[] }>(`/admin/dead-letters/${encodeURIComponent(queue)}/messages?max=20`),
    redrive: (queue: string, messageId: string) => request<unknown>(`/admin/dead-letters/${encodeURIComponent(queue)}/messages/${encodeURIComponent(messageId)}/redrive`, { method: "POST", body: {} }),
    deleteDeadLetter: (queue: string, messageId: string, reason: string) =>
      request<unknown>(`/admin/dead-letters/${encodeURIComponent(queue)}/messages/${encodeURIComponent(messageId)}/delete`, { method: "POST", body: { reason } }),
    redriveAll: (queue: string) => request<{ taskHandle: string }>(`/admin/dead-letters/${encodeURIComponent(queue)}/redrive`, { method: "POST", body: {} }),
    sales: (minutes: number) => request<SaleSnapshot>(`/admin/sales${q({ minutes: String(minutes) })}`),
    audit: (params: { operatorId?: string; target?: string; cursor?: string }) => request<{ entries: AuditEntry[]; nextCursor?: string }>(`/admin/audit${q(params)}`),
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;
