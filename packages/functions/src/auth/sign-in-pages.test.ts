// The issuer's pages and headers: whatever a visitor typed or an error said is escaped, never
// markup; an error is announced (role=alert) and tied to its field; no page loads a script or
// another host's asset; the CSP lets forms post only to the issuer and the storefront, and adds
// HSTS and upgrade-insecure-requests on https only.
import { describe, expect, it } from "vitest";
import { codePage, emailPage, ISSUER_STYLESHEET_PATH, problemPage, signInPageHeaders } from "./sign-in-pages";

const STOREFRONT = "https://shop.example";
const hostile = `"><script>alert('x')</script>&`;
const escaped = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;";

describe("sign-in pages", () => {
  it("the email page: a labelled email field, its value escaped, the error announced and tied to the field", () => {
    const plain = emailPage({ storefrontUrl: STOREFRONT });
    expect(plain).toContain('<label for="email">Email</label>');
    expect(plain).toContain('value=""');
    expect(plain).not.toContain('role="alert"');
    expect(plain).not.toContain("aria-invalid");
    expect(plain).toContain(`<a class="brand" href="${STOREFRONT}/">Shopwave</a>`);
    expect(plain).toContain("<title>Sign in · Shopwave</title>");
    // Nothing between the hint and the form without an error, and the field ends at its value.
    expect(plain).toMatch(/No password needed\.<\/p>\s*<form /);
    expect(plain).toContain('autofocus value="">');

    const withError = emailPage({ storefrontUrl: STOREFRONT, email: hostile, error: `Bad ${hostile}` });
    expect(withError).toContain(`value="${escaped}"`);
    expect(withError).toContain(`<div class="error" role="alert" id="form-error">Bad ${escaped}</div>`);
    expect(withError).toContain(' aria-describedby="form-error" aria-invalid="true"');
    expect(withError).not.toContain("<script>");
  });

  it("the code page: the address escaped, the hint described until there is an error, the resend notice only when resent", () => {
    const page = codePage({ storefrontUrl: STOREFRONT, email: hostile });
    expect(page).toContain(`<strong>${escaped}</strong>`);
    expect(page).toContain(' aria-describedby="code-hint">');
    expect(page).not.toContain('role="status"');
    expect(page).not.toContain('role="alert"');
    expect(page).toContain("<title>Enter your code · Shopwave</title>");
    expect(page).toMatch(/<h1>Check your email<\/h1>\s*<p class="hint" id="code-hint">/);
    expect(page).toMatch(/for 10 minutes\.<\/p>\s*<form /);
    for (const action of ["verify", "resend", "restart"]) expect(page).toContain(`<input type="hidden" name="action" value="${action}">`);

    const resent = codePage({ storefrontUrl: STOREFRONT, email: "a@example.com", resent: true, error: "Wrong <code>" });
    expect(resent).toContain('<div class="notice" role="status">We sent a new code.</div>');
    expect(resent).toContain('<div class="error" role="alert" id="form-error">Wrong &lt;code&gt;</div>');
    expect(resent).toContain(' aria-describedby="form-error" aria-invalid="true">');
  });

  it("the problem page: the message escaped, a way back to the shop", () => {
    const page = problemPage({ storefrontUrl: `${STOREFRONT}/"x`, message: hostile });
    expect(page).toContain(`<div class="error" role="alert">${escaped}</div>`);
    expect(page).toContain("<title>Sign-in problem · Shopwave</title>");
    expect(page).toContain(`<a href="${STOREFRONT}/&quot;x/">Back to the shop</a>`);
  });

  it("no page loads a script or anything from another host", () => {
    for (const page of [emailPage({ storefrontUrl: STOREFRONT }), codePage({ storefrontUrl: STOREFRONT, email: "a@example.com" }), problemPage({ storefrontUrl: STOREFRONT, message: "x" })]) {
      expect(page).not.toMatch(/<script/i);
      expect(page).toContain(`<link rel="stylesheet" href="${ISSUER_STYLESHEET_PATH}">`);
      expect([...page.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]).filter((url) => !url!.startsWith("/") && !url!.startsWith(STOREFRONT))).toEqual([]);
      expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    }
  });

  it("the headers: a CSP with no script and forms posting only here and to the storefront; HSTS on https only", () => {
    const https = signInPageHeaders(STOREFRONT, true);
    expect(https["content-security-policy"]).toBe(
      `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${STOREFRONT}; frame-ancestors 'none'; base-uri 'none'; upgrade-insecure-requests`,
    );
    expect(https).toMatchObject({
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "same-origin",
      "cache-control": "no-store",
      "strict-transport-security": "max-age=63072000; includeSubDomains",
    });

    const local = signInPageHeaders("http://localhost:3900", false);
    expect(local["content-security-policy"]).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' http://localhost:3900; frame-ancestors 'none'; base-uri 'none'");
    expect(local).not.toHaveProperty("strict-transport-security");
  });
});
