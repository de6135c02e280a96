import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, isCatalogPage, newNonce, pageCacheControl, servedOverHttps } from "./security-headers";

const directive = (policy: string, name: string) =>
  policy
    .split(";")
    .map((part) => part.trim())
    .find((part) => part === name || part.startsWith(`${name} `));

describe("contentSecurityPolicy", () => {
  const production = contentSecurityPolicy({ nonce: "abc123==", apiOrigin: "https://api.example.com", development: false, https: true });

  it("allows only nonced scripts in production: no unsafe-inline, no eval", () => {
    expect(directive(production, "script-src")).toBe("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(production).not.toContain("unsafe-eval");
    expect(directive(production, "style-src")).toBe("style-src 'self' 'nonce-abc123=='");
  });

  it("forbids framing, plugins and foreign form targets, and lets the browser call only the API", () => {
    expect(directive(production, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(production, "object-src")).toBe("object-src 'none'");
    expect(directive(production, "form-action")).toBe("form-action 'self'");
    expect(directive(production, "connect-src")).toBe("connect-src 'self' https://api.example.com");
    expect(directive(production, "upgrade-insecure-requests")).toBeDefined();
  });

  it("relaxes only what next dev needs, and does not upgrade http locally", () => {
    const development = contentSecurityPolicy({ nonce: "n", apiOrigin: "http://127.0.0.1:3001", development: true, https: false });
    expect(directive(development, "script-src")).toContain("'unsafe-eval'");
    expect(directive(development, "script-src")).not.toContain("'unsafe-inline'");
    expect(directive(development, "upgrade-insecure-requests")).toBeUndefined();
  });
});

describe("servedOverHttps", () => {
  it("trusts the forwarded protocol behind a proxy, else the URL", () => {
    expect(servedOverHttps(new URL("http://internal:3000/"), "https")).toBe(true);
    expect(servedOverHttps(new URL("http://internal:3000/"), "https, http")).toBe(true);
    expect(servedOverHttps(new URL("http://localhost:3000/"), null)).toBe(false);
    expect(servedOverHttps(new URL("https://shop.example.com/"), null)).toBe(true);
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, different each time", () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(a);
  });
});

describe("pageCacheControl", () => {
  it("lets a shared cache keep catalog documents for seconds, revalidating in the browser, never no-store", () => {
    for (const pathname of ["/", "/products/enamel-camp-mug"]) {
      const value = pageCacheControl(pathname);
      expect(value, pathname).toBe("public, max-age=0, s-maxage=5, stale-while-revalidate=10");
      expect(value).not.toContain("no-store");
    }
  });

  it("keeps orders, the cart, accounts and admin private and unstored", () => {
    for (const pathname of ["/orders/ord_123", "/cart", "/account", "/account/orders", "/admin", "/admin/orders/ord_1", "/products", "/products/a/b"]) {
      expect(pageCacheControl(pathname), pathname).toBe("private, no-store");
    }
  });

  it("names home and product pages as catalog pages", () => {
    expect(isCatalogPage("/")).toBe(true);
    expect(isCatalogPage("/products/x")).toBe(true);
    expect(isCatalogPage("/cart")).toBe(false);
    expect(isCatalogPage("/orders/x")).toBe(false);
  });
});
