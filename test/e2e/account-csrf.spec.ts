// The storefront's state-changing account routes refuse cross-site requests (the Origin check on
// top of SameSite=Lax cookies), and the session-bearing routes never answer without a session.
import { expect, test } from "./support/fixtures";

test("cross-site posts to the storefront's state-changing routes are refused", async ({ request, e2e }) => {
  const order = { email: "csrf@example.com", items: [{ productId: "enamel-camp-mug", quantity: 1 }] };
  for (const origin of ["https://evil.example", "null", e2e.storefrontUrl.replace("localhost", "127.0.0.1")]) {
    const placed = await request.post(`${e2e.storefrontUrl}/api/orders`, { headers: { origin, "content-type": "application/json" }, data: order });
    expect(placed.status(), origin).toBe(403);
    const signedOut = await request.post(`${e2e.storefrontUrl}/auth/sign-out`, { headers: { origin }, maxRedirects: 0 });
    expect(signedOut.status(), origin).toBe(403);
  }
  // No Origin and no Sec-Fetch-Site: not provably same-origin, refused too.
  expect((await request.post(`${e2e.storefrontUrl}/api/orders`, { headers: { "content-type": "application/json" }, data: order })).status()).toBe(403);
  // Same origin but signed out: the proxy places no order for a guest (guests call the API directly).
  const guest = await request.post(`${e2e.storefrontUrl}/api/orders`, { headers: { origin: e2e.storefrontUrl, "content-type": "application/json" }, data: order });
  expect(guest.status()).toBe(401);
  expect(await guest.json()).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
});

test("account routes answer no-store and reveal nothing without a session", async ({ request, e2e }) => {
  const session = await request.get(`${e2e.storefrontUrl}/api/session`);
  expect(await session.json()).toEqual({ signedIn: false });
  expect(session.headers()["cache-control"]).toContain("no-store");
  const history = await request.get(`${e2e.storefrontUrl}/api/account/orders`);
  expect(history.status()).toBe(401);
  const page = await request.get(`${e2e.storefrontUrl}/account`);
  expect(page.headers()["cache-control"]).toMatch(/no-store|private|no-cache/);
  // A forged session cookie is not a session.
  const forged = await request.get(`${e2e.storefrontUrl}/api/session`, { headers: { cookie: "sw_access=eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjk5OTk5OTk5OTl9.c2ln" } });
  expect(await forged.json()).toEqual({ signedIn: false });
});
