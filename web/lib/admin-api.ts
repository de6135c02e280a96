// The console's client for the `/admin/…` API (operator's guide: docs/operations.md). Every call
// carries the operator's access token; a 401 or 403 surfaces as an ApiError the console turns
// into "sign in as an operator". Nothing here is cached: the console always shows the present.
import { ApiError, ApiUnreachableError, type OrderStatus } from "./shop-api";

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

export function createAdminApi(baseUrl: string, token: string) {
  async function request<T>(path: string, init: { method?: "GET" | "POST"; body?: unknown } = {}): Promise<T> {
    const url = `${baseUrl.replace(/\/$/, "")}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method ?? "GET",
        headers: { accept: "application/json", authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        cache: "no-store",
        signal: AbortSignal.timeout(20_000),
      });
    } catch (cause) {
      throw new ApiUnreachableError(url, { cause });
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
    findOrder: (id: string) => request<{ orders: AdminOrder[] }>(`/admin/orders${q({ id })}`),
    getOrder: (id: string) => request<{ order: AdminOrder; stripe: { session: unknown; payment: unknown } }>(`/admin/orders/${encodeURIComponent(id)}`),
    refund: (id: string, body: { requestId: string; amountCents?: number; reason: string; note: string }) =>
      request<{ refund: { refundId: string; amountCents: number }; replayed: boolean; remainingCents: number }>(`/admin/orders/${encodeURIComponent(id)}/refunds`, { method: "POST", body }),
    cancel: (id: string, note: string) => request<unknown>(`/admin/orders/${encodeURIComponent(id)}/cancel`, { method: "POST", body: { note } }),
    deadLetterQueues: () => request<{ queues: DeadLetterQueue[] }>("/admin/dead-letters"),
    deadLetters: (queue: string) => request<{ messages: DeadLetter[] }>(`/admin/dead-letters/${encodeURIComponent(queue)}/messages?max=20`),
    redrive: (queue: string, messageId: string) => request<unknown>(`/admin/dead-letters/${encodeURIComponent(queue)}/messages/${encodeURIComponent(messageId)}/redrive`, { method: "POST", body: {} }),
    deleteDeadLetter: (queue: string, messageId: string, reason: string) =>
      request<unknown>(`/admin/dead-letters/${encodeURIComponent(queue)}/messages/${encodeURIComponent(messageId)}/delete`, { method: "POST", body: { reason } }),
    redriveAll: (queue: string) => request<{ taskHandle: string }>(`/admin/dead-letters/${encodeURIComponent(queue)}/redrive`, { method: "POST", body: {} }),
    audit: (params: { operatorId?: string; target?: string; cursor?: string }) => request<{ entries: AuditEntry[]; nextCursor?: string }>(`/admin/audit${q(params)}`),
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;
