// Links that lead nowhere get a friendly page with a way on, and the right status code: an
// order with a wrong or missing token (indistinguishable from no order, by design), an
// unknown product, an unknown address.
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";

test("an order link with a wrong token shows a friendly not-found page", async ({ page, e2e }, testInfo) => {
  const placed = await fetch(`${e2e.apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "token@example.com", items: [{ productId: "speckled-planter", quantity: 1 }] }),
  });
  expect(placed.status).toBe(201);
  const { order, accessToken } = (await placed.json()) as { order: { id: string }; accessToken: string };

  const wrong = await page.goto(`/orders/${order.id}?token=${"x".repeat(accessToken.length)}`);
  expect(wrong?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "We couldn't find that order" })).toBeVisible();
  await expect(page.getByText("token@example.com")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Continue shopping" })).toBeVisible();
  await saveJourneyScreenshot(page, testInfo, "order-wrong-token");

  const missing = await page.goto(`/orders/${order.id}`);
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "We couldn't find that order" })).toBeVisible();

  // The right token opens it, so the 404s above were about the token.
  const right = await page.goto(`/orders/${order.id}?token=${encodeURIComponent(accessToken)}`);
  expect(right?.status()).toBe(200);
  await expect(page.getByText("Waiting for payment confirmation")).toBeVisible();
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
