// Buying more than is left: another shopper takes most of the scarce skillet while ours sits
// in the cart. The cart warns, checkout is refused with the item named and the count left,
// and one click fixes the cart so the purchase can go on.
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, openCart, openProduct } from "./support/shopper";

test("checking out more than is in stock names the item and how many are left", async ({ page, e2e }, testInfo) => {
  await page.goto("/");
  const skillet = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "Cast Iron Skillet", exact: true }) });
  await expect(skillet.getByText("Only 3 left")).toBeVisible();
  await openProduct(page, "Cast Iron Skillet");
  // The picker offers no more than what is left.
  await expect(page.getByLabel("Quantity", { exact: true }).locator("option")).toHaveText(["1", "2", "3"]);
  await addToCart(page, 2);

  // Meanwhile another shopper reserves two of the three.
  const rival = await fetch(`${e2e.apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "rival@example.com", items: [{ productId: "cast-iron-skillet", quantity: 2 }] }),
  });
  expect(rival.status).toBe(201);

  await openCart(page);
  await expect(page.getByText("Only 1 left: lower the quantity to 1 or fewer to check out.")).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill("late@example.com");
  await page.getByRole("button", { name: "Checkout" }).click();

  const alert = page.getByRole("alert").filter({ hasText: "no longer available" });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("Cast Iron Skillet: only 1 left (you asked for 2).");
  await expect(page).toHaveURL(/\/cart$/); // not sent to payment
  await saveJourneyScreenshot(page, testInfo, "out-of-stock-message");

  await page.getByRole("button", { name: "Update my cart to what's available" }).click();
  await expect(page.getByRole("combobox", { name: "Quantity of Cast Iron Skillet" })).toHaveValue("1");
  await expect(page.getByRole("definition")).toHaveText("$74.00");
  await page.getByRole("button", { name: "Checkout" }).click();
  await expect(page.getByLabel("Card number")).toBeVisible();
});
