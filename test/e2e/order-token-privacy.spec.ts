// The order's access token stays in the shopper's browser: the page Checkout returns to carries
// no token in its URL, nothing it loads sends one in Referer (the response says no-referrer),
// an old `?token=` link is moved off the URL before the page loads anything, another browser
// gets a friendly explanation, and malformed tokens get the not-found page, never an error.
import type { Page, Request } from "@playwright/test";
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, CARDS, checkOut, openCart, openProduct, payWithCard, pendingCheckout } from "./support/shopper";

interface SeenRequest {
  url: string;
  referer: string | undefined;
}

/** Every request the page makes until stop(), with the Referer the browser really sent. */
function recordRequests(page: Page): { stop(): Promise<SeenRequest[]> } {
  const seen: Promise<SeenRequest>[] = [];
  const listener = (request: Request) => {
    seen.push(
      request.allHeaders().then(
        (headers) => ({ url: request.url(), referer: headers.referer }),
        // Gone before its headers were read (page closed): the provisional headers hold Referer too.
        () => ({ url: request.url(), referer: request.headers().referer }),
      ),
    );
  };
  page.on("request", listener);
  return {
    stop() {
      page.off("request", listener);
      return Promise.all(seen);
    },
  };
}

const variants = (token: string) => [token, encodeURIComponent(token)];

test("the order page Checkout returns to keeps the token out of its URL, Referer and history", async ({ page, browser, e2e }, testInfo) => {
  await page.goto("/");
  await openProduct(page, "Field Notebook");
  await addToCart(page);
  await openCart(page);
  await checkOut(page, "private.buyer@example.com");
  // The token the storefront got for this order (it keeps it for a payment to resume).
  const storefrontTab = await page.context().newPage();
  await storefrontTab.goto("/");
  const { orderId, accessToken } = await pendingCheckout(storefrontTab);
  await storefrontTab.close();
  const order = { id: orderId };

  const requests = recordRequests(page);
  const documentResponse = page.waitForResponse(
    (response) => response.request().resourceType() === "document" && new URL(response.url()).pathname === `/orders/${order.id}`,
  );
  await payWithCard(page, CARDS.pays);
  await expect(page.getByRole("heading", { level: 1, name: "Your order" })).toBeVisible();
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();

  const seen = await requests.stop();
  const fromStorefront = seen.filter((request) => request.url.startsWith(e2e.storefrontUrl));
  // The page really loaded its styles and scripts (so the check below is about something).
  expect(fromStorefront.filter((request) => /\/_next\/static\//.test(request.url)).length).toBeGreaterThan(3);
  const holds = (text: string | undefined) => variants(accessToken).some((form) => (text ?? "").includes(form));
  expect(seen.filter((request) => holds(request.referer)).map((request) => request.url), "requests whose Referer holds the token").toEqual([]);
  expect(seen.filter((request) => holds(request.url)).map((request) => request.url), "requests whose URL holds the token").toEqual([]);

  const landing = await documentResponse;
  expect(landing.status()).toBe(200);
  expect(landing.headers()["referrer-policy"]).toBe("no-referrer");
  for (const form of variants(accessToken)) expect(page.url()).not.toContain(form);

  // A reload still shows the order: this browser kept the token when it placed the order.
  await page.reload();
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  await saveJourneyScreenshot(page, testInfo, "order-page-private");

  // Another browser (a forwarded link, a shared screen) cannot open it, and is told why.
  const elsewhere = await browser.newContext();
  try {
    const stranger = await elsewhere.newPage();
    await stranger.goto(page.url());
    await expect(stranger.getByRole("heading", { level: 1, name: "Open this order where you placed it" })).toBeVisible();
    await expect(stranger.getByText("private.buyer@example.com")).toHaveCount(0);
    await saveJourneyScreenshot(stranger, testInfo, "order-page-other-browser");
  } finally {
    await elsewhere.close();
  }
});

test("an old ?token= link opens the order with the token moved off the page's URL", async ({ browser, e2e }) => {
  const placed = await fetch(`${e2e.apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "old.link@example.com", items: [{ productId: "speckled-planter", quantity: 1 }] }),
  });
  expect(placed.status).toBe(201);
  const { order, accessToken } = (await placed.json()) as { order: { id: string }; accessToken: string };

  // A browser that never saw the order: the link alone must open it.
  const context = await browser.newContext({ baseURL: e2e.storefrontUrl });
  try {
    const page = await context.newPage();
    const requests = recordRequests(page);
    await page.goto(`/orders/${order.id}?token=${encodeURIComponent(accessToken)}`);
    await expect(page.getByRole("heading", { level: 1, name: "Your order" })).toBeVisible();
    await expect(page.getByText("Waiting for payment confirmation")).toBeVisible();
    await expect(page.getByText("old.link@example.com")).toBeVisible();
    for (const form of variants(accessToken)) expect(page.url()).not.toContain(form);

    const seen = await requests.stop();
    // Only the link itself went to the storefront with the token; what the page loaded did not.
    const withToken = seen.filter((request) => variants(accessToken).some((form) => request.url.includes(form) || (request.referer ?? "").includes(form)));
    expect(withToken.map((request) => request.url)).toEqual([`${e2e.storefrontUrl}/orders/${order.id}?token=${encodeURIComponent(accessToken)}`]);
    expect(withToken[0]!.referer).toBeUndefined();
    expect(seen.length).toBeGreaterThan(3);
  } finally {
    await context.close();
  }
});

test("malformed order tokens get the not-found page from the storefront and a 404 from the API", async ({ request, e2e }) => {
  const placed = await fetch(`${e2e.apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "malformed@example.com", items: [{ productId: "speckled-planter", quantity: 1 }] }),
  });
  const { order } = (await placed.json()) as { order: { id: string } };
  const malformed = ["%E2%98%83", "abc%0D%0ASet-Cookie:%20x=1", "%0A", "a".repeat(4096), "%FF%FE", "%00"];
  for (const token of malformed) {
    const page = await request.get(`/orders/${order.id}?token=${token}`, { maxRedirects: 0 });
    expect(page.status(), `storefront, token ${token.slice(0, 40)}`).toBe(404);
    expect(await page.text()).toMatch(/We couldn(&#x27;|')t find that order/);

    const api = await fetch(`${e2e.apiUrl}/orders/${order.id}?token=${token}`);
    expect(api.status, `API, token ${token.slice(0, 40)}`).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  }
  // The same through the header the storefront uses (bytes a browser can put in a header).
  for (const token of ["\u00e9t\u00e9", "a".repeat(4096), "x y"]) {
    const api = await fetch(`${e2e.apiUrl}/orders/${order.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status, `API, Bearer ${token.slice(0, 40)}`).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  }
});
