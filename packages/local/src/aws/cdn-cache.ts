// A CloudFront-like shared cache in front of a local origin (the API gateway), for the load test:
// GET and HEAD answers are kept as the origin's Cache-Control allows a shared cache to
// (`s-maxage`, else `max-age`; never `private`, `no-store` or `no-cache`), keyed by path and
// query string like the stage's cache policy. While an entry is fresh it is served without
// asking the origin; within `stale-while-revalidate` it is served stale while one background
// request refreshes it; concurrent misses for one key wait for a single origin request
// (CloudFront's request collapsing). Everything else passes through untouched.
import http, { type IncomingHttpHeaders } from "node:http";
import { listen, urlHost } from "../process/listen";

interface Entry {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  storedAt: number;
  freshMs: number;
  staleMs: number;
}

export interface CdnCache {
  url: string;
  /** Answers by where they came from: hit (fresh), stale (served while refreshing), miss (origin). */
  readonly counts: { hit: number; stale: number; miss: number; pass: number; bytesOut: number };
  stop(): Promise<void>;
}

/** How long a shared cache may keep an answer, from its Cache-Control (null: not at all). */
export function sharedCacheLifetime(cacheControl: string | undefined): { freshMs: number; staleMs: number } | null {
  if (!cacheControl) return null;
  const directives = new Map(
    cacheControl.split(",").map((part) => {
      const [name = "", value] = part.trim().toLowerCase().split("=");
      return [name, value] as const;
    }),
  );
  if (directives.has("private") || directives.has("no-store") || directives.has("no-cache")) return null;
  const seconds = (name: string) => {
    const value = Number(directives.get(name));
    return Number.isFinite(value) && value >= 0 ? value : null;
  };
  const fresh = seconds("s-maxage") ?? seconds("max-age");
  if (fresh === null || fresh === 0) return null;
  return { freshMs: fresh * 1000, staleMs: (seconds("stale-while-revalidate") ?? 0) * 1000 };
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);

export async function startCdnCache(options: { origin: string; host?: string; port?: number; now?: () => number }): Promise<CdnCache> {
  const origin = new URL(options.origin);
  const now = options.now ?? Date.now;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry & { cacheable: boolean }>>();
  const counts = { hit: 0, stale: 0, miss: 0, pass: 0, bytesOut: 0 };

  const fetchOrigin = (method: string, path: string, headers: IncomingHttpHeaders, body?: Buffer) =>
    new Promise<Entry & { cacheable: boolean }>((resolve, reject) => {
      const forwarded = { ...headers, host: origin.host };
      const upstream = http.request({ host: origin.hostname, port: origin.port, method, path, headers: forwarded, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const lifetime = response.statusCode === 200 ? sharedCacheLifetime(response.headers["cache-control"]) : null;
          resolve({
            status: response.statusCode ?? 502,
            headers: Object.fromEntries(Object.entries(response.headers).filter(([name]) => !HOP_BY_HOP.has(name))),
            body: Buffer.concat(chunks),
            storedAt: now(),
            freshMs: lifetime?.freshMs ?? 0,
            staleMs: lifetime?.staleMs ?? 0,
            cacheable: lifetime !== null,
          });
        });
      });
      upstream.on("error", reject);
      upstream.end(body);
    });

  // One origin request per key at a time; its answer is stored when cacheable.
  const refresh = (key: string, path: string, headers: IncomingHttpHeaders) => {
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetchOrigin("GET", path, headers).then((entry) => {
        if (entry.cacheable) entries.set(key, entry);
        return entry;
      });
      pending.finally(() => inFlight.delete(key)).catch(() => undefined);
      inFlight.set(key, pending);
    }
    return pending;
  };

  const send = (res: http.ServerResponse, entry: Entry, state: string, head: boolean) => {
    const age = Math.floor((now() - entry.storedAt) / 1000);
    res.writeHead(entry.status, { ...entry.headers, "x-cache": state, ...(state === "Miss" ? {} : { age: String(age) }) });
    if (!head) counts.bytesOut += entry.body.length;
    res.end(head ? undefined : entry.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const path = req.url ?? "/";
        const method = req.method ?? "GET";
        if (method !== "GET" && method !== "HEAD") {
          counts.pass++;
          return send(res, await fetchOrigin(method, path, req.headers, Buffer.concat(chunks)), "Pass", false);
        }
        const key = path;
        const head = method === "HEAD";
        const cached = entries.get(key);
        const age = cached ? now() - cached.storedAt : 0;
        if (cached && age < cached.freshMs) {
          counts.hit++;
          return send(res, cached, "Hit", head);
        }
        if (cached && age < cached.freshMs + cached.staleMs) {
          counts.stale++;
          refresh(key, path, req.headers).catch(() => undefined);
          return send(res, cached, "RefreshHit", head);
        }
        counts.miss++;
        send(res, await refresh(key, path, req.headers), "Miss", head);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "BAD_GATEWAY", message: "The origin could not be reached." } }));
      });
    });
  });
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `http://${urlHost(host)}:${port}`,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
