// The storefront's security headers and how long each page may be cached. The
// Content-Security-Policy is built by proxy.ts with a fresh nonce for every page it renders:
// scripts run only with that nonce ('strict-dynamic' lets Next's nonced bootstrap load its
// chunks), so no inline or injected script runs, and there is no 'unsafe-inline' for scripts.
// Catalog pages (home, product pages) may be kept by a shared cache (the CDN) for a few seconds:
// the cache keeps the page and its CSP header together, so every copy it serves pairs the nonce
// with the one document it was rendered into, and an injected script (which had to be in the
// data before the render, when the nonce did not exist yet) still cannot carry it. Every other
// page (cart, orders, accounts, admin) is private and never stored. The static headers apply to
// every response (next.config.ts).

export interface ContentSecurityPolicyOptions {
  nonce: string;
  /** Origin of the Shopwave API the browser calls (orders, live order status, cart prices). */
  apiOrigin: string;
  /** `next dev` needs eval (React's debugging) and injects styles at run time. */
  development: boolean;
  /** Served over https: also upgrade any stray http subresource. */
  https: boolean;
}

export function contentSecurityPolicy(options: ContentSecurityPolicyOptions): string {
  const { nonce, apiOrigin, development, https } = options;
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    // <style> elements need the nonce; style="" attributes (next/image, React style props) cannot
    // run code, so they are allowed on their own.
    ["style-src", "'self'", ...(development ? ["'unsafe-inline'"] : [`'nonce-${nonce}'`])],
    ["style-src-attr", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'", apiOrigin, ...(development ? ["ws:", "wss:"] : [])],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    ...(https ? ([["upgrade-insecure-requests"]] as [string][]) : []),
  ];
  return directives.map((directive) => directive.join(" ")).join("; ");
}

/**
 * Seconds a shared cache (the CDN) may serve a catalog page without asking the server, and how
 * much longer it may serve it stale while it fetches a fresh one. The catalog data behind the page
 * is itself at most CATALOG_REVALIDATE_SECONDS old (Next's data cache), so a badge shown to a
 * shopper is at most about 20 s old: a display, never a promise (the reservation decides).
 */
export const CATALOG_PAGE_CACHE = { sharedMaxAgeSeconds: 5, staleWhileRevalidateSeconds: 10 } as const;
export const CATALOG_REVALIDATE_SECONDS = 5;

/** Pages anyone may be shown the same copy of: the catalog grid and product pages. */
export function isCatalogPage(pathname: string): boolean {
  return pathname === "/" || /^\/products\/[^/]+$/.test(pathname);
}

/**
 * The Cache-Control of a rendered page. Catalog pages are public for a few seconds (browsers
 * revalidate at once, max-age=0; no no-store, so the back/forward cache may keep them). Their RSC
 * payloads (prefetches, client-side navigations) get the same: the client router's `_rsc` query
 * parameter keeps them apart from the document in a cache keyed by the query string (the stage's
 * CDN policy, where OpenNext also keys on the RSC headers), and a page that fetched a no-store
 * payload would be kept out of the back/forward cache. Every other page is private and never
 * stored.
 */
export function pageCacheControl(pathname: string): string {
  if (!isCatalogPage(pathname)) return "private, no-store";
  const { sharedMaxAgeSeconds, staleWhileRevalidateSeconds } = CATALOG_PAGE_CACHE;
  return `public, max-age=0, s-maxage=${sharedMaxAgeSeconds}, stale-while-revalidate=${staleWhileRevalidateSeconds}`;
}

/** Two years, the value HSTS preload lists ask for; only ever sent on https responses. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/** Headers every response carries, whatever it is (page, chunk, image). */
export const staticSecurityHeaders: readonly { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Other sites get the origin only (order pages send nothing: orderPageHeaders).
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // For browsers that predate CSP's frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), browsing-topics=()" },
];

/**
 * Order pages: no Referer at all, as a response header (a <meta name="referrer"> only applies
 * once parsed, after the first stylesheets and scripts were requested). Their URLs hold no
 * token any more, but an order id and session id are nobody else's business either.
 */
export const orderPageHeaders: readonly { key: string; value: string }[] = [
  { key: "Referrer-Policy", value: "no-referrer" },
];

/**
 * Whether the shopper reached us over https. Behind CloudFront and a load balancer the server
 * itself speaks http, so the forwarded protocol is what counts.
 */
export function servedOverHttps(url: URL, forwardedProto: string | null): boolean {
  const forwarded = forwardedProto?.split(",")[0]?.trim().toLowerCase();
  return forwarded ? forwarded === "https" : url.protocol === "https:";
}

/** A nonce per rendered response: 128 random bits, base64 (CSP's nonce-source grammar). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
