// The cart lives in the browser: it survives a reload and a new tab, quantities are editable
// and the total follows the catalog's prices.
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, openCart, openProduct } from "./support/shopper";

test("the cart survives a reload and a new tab, with editable quantities and a live total", async ({ page, context }, testInfo) => {
  await page.goto("/");
  await openProduct(page, "Stoneware Pour-Over");
  await addToCart(page);
  await page.getByRole("link", { name: "← All products" }).click();
  await openProduct(page, "Beeswax Taper Candles");
  await addToCart(page, 2);
  await expect(page.getByRole("link", { name: "Cart, 3 items" })).toBeVisible();

  await openCart(page);
  const lines = page.getByRole("list", { name: "Items in your cart" }).getByRole("listitem");
  await expect(lines).toHaveCount(2);
  await expect(page.getByRole("definition")).toHaveText("$62.00"); // 34 + 2 × 14
  await page.getByRole("combobox", { name: "Quantity of Stoneware Pour-Over" }).selectOption("3");
  await expect(page.getByRole("definition")).toHaveText("$130.00"); // 3 × 34 + 2 × 14

  await page.reload();
  await expect(lines).toHaveCount(2);
  await expect(page.getByRole("combobox", { name: "Quantity of Stoneware Pour-Over" })).toHaveValue("3");
  await expect(page.getByRole("combobox", { name: "Quantity of Beeswax Taper Candles" })).toHaveValue("2");
  await expect(page.getByRole("definition")).toHaveText("$130.00");
  await expect(page.getByRole("link", { name: "Cart, 5 items" })).toBeVisible();

  const other = await context.newPage();
  await other.goto("/cart");
  await expect(other.getByRole("list", { name: "Items in your cart" }).getByRole("listitem")).toHaveCount(2);

  await page.getByRole("button", { name: "Remove Beeswax Taper Candles" }).click();
  await expect(lines).toHaveCount(1);
  await expect(page.getByRole("definition")).toHaveText("$102.00");
  // The other tab follows.
  await expect(other.getByRole("list", { name: "Items in your cart" }).getByRole("listitem")).toHaveCount(1);
  await saveJourneyScreenshot(page, testInfo, "cart-after-reload");
});
