// A minimal JSON client for the local API, returning status, headers and parsed body together
// so tests can assert on all three.
export interface ApiResponse<Body = any> {
  status: number;
  headers: Headers;
  body: Body;
  text: string;
}

export function createApiClient(baseUrl: string) {
  async function request<Body = any>(method: string, path: string, init: { json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<Body>> {
    const headers: Record<string, string> = { ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as Body, text };
  }
  return {
    baseUrl,
    get: <Body = any>(path: string, headers?: Record<string, string>) => request<Body>("GET", path, headers ? { headers } : {}),
    post: <Body = any>(path: string, json: unknown, headers?: Record<string, string>) => request<Body>("POST", path, { json, ...(headers ? { headers } : {}) }),
    raw: request,
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
