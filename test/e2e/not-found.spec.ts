// Links that lead nowhere get a friendly page with a way on: an order with a wrong token
// (indistinguishable from no order, by design) or none in this browser, an unknown product or
// address (with a 404 status; an order's is decided in the browser, which holds the token).
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";

test("an order link with a wrong token shows a friendly not-found page", async ({ page, e2e }, testInfo) => {
  const placed = await fetch(`${e2e.apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "token@example.com", items: [{ productId: "speckled-planter", quantity: 1 }] }),
  });
  expect(placed.status).toBe(201);
  const { order, accessToken } = (await placed.json()) as { order: { id: string }; accessToken: string };

  // The token travels in the fragment (never sent to the server): the page asks the API itself.
  const wrong = await page.goto(`/orders/${order.id}#token=${"x".repeat(accessToken.length)}`);
  expect(wrong?.headers()["referrer-policy"]).toBe("no-referrer");
  await expect(page.getByRole("heading", { level: 1, name: "We couldn't find that order" })).toBeVisible();
  await expect(page.getByText("token@example.com")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Continue shopping" })).toBeVisible();
  await saveJourneyScreenshot(page, testInfo, "order-wrong-token");

  // No token at all in a browser that did not place the order.
  await page.goto(`/orders/${order.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Open this order where you placed it" })).toBeVisible();
  await expect(page.getByText("token@example.com")).toHaveCount(0);

  // The right token opens it, so the answers above were about the token.
  await page.goto(`/orders/${order.id}#token=${accessToken}`);
  await expect(page.getByText("Waiting for payment confirmation")).toBeVisible();
  await expect(page.getByText("token@example.com")).toBeVisible();
  expect(page.url()).not.toContain(accessToken); // moved into this browser's store
  // An unknown order is not found, with or without a token.
  const unknown = await page.goto(`/orders/ord_00000000000000000000000000?token=${accessToken}`);
  expect(unknown?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "We couldn't find that order" })).toBeVisible();
});

test("unknown products and pages get friendly 404s", async ({ page }, testInfo) => {
  const product = await page.goto("/products/no-such-thing");
  expect(product?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "We couldn't find that product" })).toBeVisible();

  const other = await page.goto("/no/such/page");
  expect(other?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the shop" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Harbor & Pine goods" })).toBeVisible();
  await saveJourneyScreenshot(page, testInfo, "not-found-back-to-shop");
});
