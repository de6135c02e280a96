// While the API cannot be reached, every page that needs it says so in words and offers "Try again"
// (never a blank page), the cart keeps its items, and trying again once the API is back works.
// Catalog pages the storefront already holds (its data cache keeps catalog reads for seconds and
// serves the last copy while refreshing) still show; a page it has no copy of needs the API.
import { randomUUID } from "node:crypto";
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, openCart, openProduct } from "./support/shopper";

test("with the API unreachable the shopper gets a retryable error, and retrying recovers", async ({ page, e2e }, testInfo) => {
  const cut = (state: "down" | "up") => fetch(`${e2e.proxyControlUrl}/${state}`, { method: "POST" });
  await page.goto("/");
  await openProduct(page, "Copper Watering Can");
  await addToCart(page);

  // Product ids the storefront has never asked the API about, so no cache can answer for it.
  const uncachedProduct = () => `/products/never-fetched-${randomUUID()}`;

  await cut("down");
  try {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Harbor & Pine goods" })).toBeVisible(); // from the storefront's cache
    await page.goto(uncachedProduct());
    await expect(page.getByRole("heading", { level: 1, name: "We couldn't load this page" })).toBeVisible();
    await expect(page.getByText("The shop may be briefly unavailable.")).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible(); // the site is still there around it
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "We couldn't load this page" })).toBeVisible(); // still down

    await openCart(page);
    await expect(page.getByRole("alert").filter({ hasText: "We couldn't load current prices." })).toBeVisible();
    await expect(page.getByRole("list", { name: "Items in your cart" }).getByRole("listitem")).toHaveCount(1);
    await page.getByLabel("Email", { exact: true }).fill("offline@example.com");
    await page.getByRole("button", { name: "Checkout" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "We couldn't reach Shopwave." })).toBeVisible();
    await saveJourneyScreenshot(page, testInfo, "api-unreachable-cart");
  } finally {
    await cut("up");
  }

  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByText("$64.00 each")).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "We couldn't load current prices." })).toHaveCount(0);

  await cut("down");
  try {
    await page.goto(uncachedProduct());
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
  } finally {
    await cut("up");
  }
  // Trying again asks the API afresh: its answer (no such product) now shows, not the error.
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "We couldn't find that product" })).toBeVisible();
  await page.getByRole("link", { name: "Browse all products" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Harbor & Pine goods" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Products" }).getByRole("listitem")).toHaveCount(15);
});
