// The storefront's security headers as a browser receives them, and proof that the CSP does
// its job: a script injected into a page (as an XSS would) does not run, while the app's own
// nonced scripts do.
import { expect, test } from "./support/fixtures";

const directive = (policy: string, name: string) =>
  policy
    .split(";")
    .map((part) => part.trim())
    .find((part) => part === name || part.startsWith(`${name} `));

test("pages carry a per-response nonce CSP without unsafe-inline scripts, and the other security headers", async ({ request, e2e }) => {
  const first = await request.get("/");
  const second = await request.get("/");
  expect(first.status()).toBe(200);
  const policy = first.headers()["content-security-policy"] ?? "";
  const scriptSrc = directive(policy, "script-src") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
  expect(nonce, "script-src has a nonce").toBeTruthy();
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(second.headers()["content-security-policy"]).not.toContain(`'nonce-${nonce}'`);
  expect(directive(policy, "frame-ancestors")).toBe("frame-ancestors 'none'");
  expect(directive(policy, "object-src")).toBe("object-src 'none'");
  expect(directive(policy, "base-uri")).toBe("base-uri 'self'");
  // The browser may call the storefront and the API, nothing else.
  expect(directive(policy, "connect-src")).toBe(`connect-src 'self' ${new URL(e2e.storefrontApiUrl).origin}`);

  // Every script tag the page ships carries this response's nonce.
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, tag).toContain(`nonce="${nonce}"`);

  const headers = first.headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-powered-by"]).toBeUndefined();
  // Plain http locally: no HSTS (browsers ignore it there, and it must not pin localhost).
  expect(headers["strict-transport-security"]).toBeUndefined();

  // Static files get the static headers too.
  const image = await request.get("/images/products/enamel-camp-mug.svg");
  expect(image.status()).toBe(200);
  expect(image.headers()["x-content-type-options"]).toBe("nosniff");
  expect(e2e.storefrontUrl).toMatch(/^http:\/\/localhost:\d+$/);
});

test("behind an https load balancer, pages add HSTS and upgrade insecure requests", async ({ request }) => {
  const response = await request.get("/", { headers: { "x-forwarded-proto": "https" } });
  expect(response.headers()["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
  expect(directive(response.headers()["content-security-policy"] ?? "", "upgrade-insecure-requests")).toBeDefined();
});

test("an injected inline script is blocked while the storefront's own scripts run", async ({ page, problems }) => {
  // Play an XSS: the document arrives with an extra inline script, under the page's real CSP.
  await page.route("**/", async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace("</body>", "<script>window.__injected = true;</script></body>");
    await route.fulfill({ response, body: html });
  });
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Harbor & Pine goods" })).toBeVisible();
  expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
  await expect.poll(() => problems.cspViolations.length).toBeGreaterThan(0);
  expect(problems.cspViolations.join("\n")).toMatch(/script/i);
  problems.cspViolations.length = 0; // expected here; the fixture fails the test on any other

  // Hydrated: a client-side navigation works.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cart" }).click();
  await expect(page.getByText("Your cart is empty.")).toBeVisible();
});

test("prefetched pages carry the CSP too (a prefetched document is later shown as is)", async ({ request }) => {
  const prefetches: Record<string, string>[] = [
    { purpose: "prefetch" },
    { "sec-purpose": "prefetch" },
    { "sec-purpose": "prefetch;prerender" },
    { "next-router-prefetch": "1" },
  ];
  for (const headers of prefetches) {
    for (const pagePath of ["/", "/products/field-notebook"]) {
      const response = await request.get(pagePath, { headers });
      const label = `${pagePath} with ${JSON.stringify(headers)}`;
      expect(response.status(), label).toBe(200);
      expect(response.headers()["content-type"], label).toContain("text/html");
      const nonce = /'nonce-([^']+)'/.exec(directive(response.headers()["content-security-policy"] ?? "", "script-src") ?? "")?.[1];
      expect(nonce, `${label}: a CSP with a script nonce`).toBeTruthy();
      const scripts = [...(await response.text()).matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
      expect(scripts.length, label).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, label).toContain(`nonce="${nonce}"`);
    }
  }
});
