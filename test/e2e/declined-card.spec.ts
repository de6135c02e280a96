// A declined card: the payment page says so, the order is not confirmed, and "Back" brings
// the shopper to a cart that explains the payment did not go through and still holds the
// items. Checking out again returns to the same payment (no second stock reservation).
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, CARDS, checkOut, openCart, openProduct, orderStatusFromApi, payWithCard, pendingCheckout } from "./support/shopper";

test("a declined card leaves the order unpaid and the shopper back in a full cart with a clear message", async ({ page, e2e }, testInfo) => {
  await page.goto("/");
  await openProduct(page, "Waxed Canvas Tote");
  await addToCart(page);
  await openCart(page);
  await checkOut(page, "declined@example.com");
  const paymentPage = page.url();

  await payWithCard(page, CARDS.declined);
  await expect(page.getByRole("alert")).toHaveText("Your card was declined.");
  await expect(page.getByLabel("Card number")).toBeVisible(); // still on the payment page, as with Stripe

  await page.getByRole("link", { name: "← Back to Shopwave" }).click();
  await expect(page).toHaveURL(/\/cart\?cancelled=ord_/);
  const notice = page.getByRole("status").filter({ hasText: "Payment not completed" });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("You have not been charged");
  const line = page.getByRole("list", { name: "Items in your cart" }).getByRole("listitem");
  await expect(line).toHaveCount(1);
  await expect(line.getByRole("link", { name: "Waxed Canvas Tote" })).toBeVisible();
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue("declined@example.com");

  const { orderId, accessToken } = await pendingCheckout(page);
  expect(await orderStatusFromApi(e2e.apiUrl, orderId, accessToken)).toBe("PENDING_PAYMENT");
  await saveJourneyScreenshot(page, testInfo, "declined-card-back-in-cart");

  // Trying again with the same cart resumes the same Checkout Session.
  await page.getByRole("button", { name: "Checkout" }).click();
  await expect(page.getByLabel("Card number")).toBeVisible();
  expect(page.url()).toBe(paymentPage);
  await payWithCard(page, CARDS.pays);
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  // The same order's page (it drops Checkout's ?session_id= once it has used it).
  await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`));
});

test("insufficient funds is explained on the payment page and nothing is confirmed", async ({ page, e2e }, testInfo) => {
  await page.goto("/");
  await openProduct(page, "Field Notebook");
  await addToCart(page, 3);
  await openCart(page);
  await checkOut(page, "short.funds@example.com");
  await payWithCard(page, CARDS.insufficientFunds);
  await expect(page.getByRole("alert")).toHaveText("Your card has insufficient funds.");
  await page.getByRole("link", { name: "← Back to Shopwave" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Payment not completed" })).toBeVisible();
  const { orderId, accessToken } = await pendingCheckout(page);
  expect(await orderStatusFromApi(e2e.apiUrl, orderId, accessToken)).toBe("PENDING_PAYMENT");
  await saveJourneyScreenshot(page, testInfo, "insufficient-funds-back-in-cart");
});
