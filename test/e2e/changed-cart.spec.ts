// A shopper leaves the payment page, changes their cart and checks out again: the earlier order
// is cancelled on the spot, so its stock is back on the shelf at once instead of staying reserved
// until its Checkout Session lapses (35 minutes), and the new cart is paid in a new session.
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, CARDS, checkOut, openCart, openProduct, orderStatusFromApi, payWithCard, pendingCheckout } from "./support/shopper";

async function stockFromApi(apiUrl: string, productId: string): Promise<number> {
  const response = await fetch(`${apiUrl}/products/${productId}`);
  return ((await response.json()) as { stock: number }).stock;
}

test("checking out a changed cart releases the earlier reservation at once", async ({ page, e2e }, testInfo) => {
  const stockBefore = await stockFromApi(e2e.apiUrl, "linen-work-apron");
  await page.goto("/");
  await openProduct(page, "Linen Work Apron");
  await addToCart(page);
  await openCart(page);
  await checkOut(page, "changed.mind@example.com");
  const firstPaymentPage = page.url();
  await page.getByRole("link", { name: "← Back to Shopwave" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Payment not completed" })).toBeVisible();
  const first = await pendingCheckout(page);
  expect(await stockFromApi(e2e.apiUrl, "linen-work-apron")).toBe(stockBefore - 1);

  await page.getByLabel("Quantity of Linen Work Apron").selectOption("3");
  await page.getByRole("button", { name: "Checkout" }).click();
  await expect(page.getByLabel("Card number")).toBeVisible();
  expect(page.url()).not.toBe(firstPaymentPage);
  // The first order gave its unit back; only the new order's three are reserved.
  expect(await orderStatusFromApi(e2e.apiUrl, first.orderId, first.accessToken)).toBe("CANCELLED");
  expect(await stockFromApi(e2e.apiUrl, "linen-work-apron")).toBe(stockBefore - 3);

  await payWithCard(page, CARDS.pays);
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  await saveJourneyScreenshot(page, testInfo, "changed-cart-confirmed");
  expect(await stockFromApi(e2e.apiUrl, "linen-work-apron")).toBe(stockBefore - 3);
});
