// What a shopper does, step by step, in the storefront and on the hosted payment page: one
// place for the journeys' shared moves, written against what the shopper sees (roles and
// accessible names), never against markup details.
import { expect, type Page } from "@playwright/test";

export const CARDS = {
  pays: "4242 4242 4242 4242",
  declined: "4000 0000 0000 0002",
  insufficientFunds: "4000 0000 0000 9995",
} as const;

/** From the catalog grid, opens a product by its name. */
export async function openProduct(page: Page, name: string): Promise<void> {
  await page.getByRole("list", { name: "Products" }).getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/** On a product page: picks the quantity and adds it to the cart. */
export async function addToCart(page: Page, quantity = 1): Promise<void> {
  if (quantity !== 1) await page.getByLabel("Quantity", { exact: true }).selectOption(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "to your cart" })).toBeVisible();
}

export async function openCart(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Cart/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
}

/** On the cart page: enters the email and checks out, landing on the hosted payment page. */
export async function checkOut(page: Page, email: string): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Checkout" }).click();
  await expect(page.getByLabel("Card number")).toBeVisible();
}

/** On the hosted payment page: pays with a test card. */
export async function payWithCard(page: Page, card: string): Promise<void> {
  await page.getByLabel("Card number").fill(card);
  await page.getByRole("button", { name: "Pay", exact: true }).click();
}

/** The order the cart was last checked out as (what the storefront keeps to resume a payment); `page` must be on the storefront. */
export async function pendingCheckout(page: Page): Promise<{ orderId: string; accessToken: string; checkoutUrl: string }> {
  const stored = await page.evaluate(() => window.localStorage.getItem("shopwave.checkout.v1"));
  if (!stored) throw new Error("The storefront kept no pending checkout.");
  return JSON.parse(stored) as { orderId: string; accessToken: string; checkoutUrl: string };
}

/** The order's status straight from the API (what the storefront shows must agree). */
export async function orderStatusFromApi(apiUrl: string, orderId: string, token: string): Promise<string> {
  const response = await fetch(`${apiUrl}/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /orders/${orderId} answered ${response.status}`);
  return ((await response.json()) as { status: string }).status;
}

/** Nothing on the page is wider than the viewport (no sideways scrolling on a phone). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `page is ${scrollWidth}px wide in a ${clientWidth}px viewport`).toBeLessThanOrEqual(clientWidth);
}
