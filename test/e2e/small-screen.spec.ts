// A purchase on a 360 px wide phone screen, checking at each step that nothing overflows
// sideways and the controls are there to tap.
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, CARDS, checkOut, expectNoHorizontalScroll, openCart, openProduct, payWithCard } from "./support/shopper";

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

test("a shopper buys on a 360 px screen", async ({ page }, testInfo) => {
  await page.goto("/");
  await expectNoHorizontalScroll(page);
  // Two products a row, each card fully on screen.
  const firstCard = page.getByRole("list", { name: "Products" }).getByRole("listitem").first();
  const box = await firstCard.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 360).toBe(true);

  await openProduct(page, "Insulated Trail Bottle");
  await expectNoHorizontalScroll(page);
  await addToCart(page);

  await openCart(page);
  await expectNoHorizontalScroll(page);
  await expect(page.getByRole("definition")).toHaveText("$32.00");
  await checkOut(page, "phone@example.com");
  await payWithCard(page, CARDS.pays);
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await saveJourneyScreenshot(page, testInfo, "small-screen-purchase-confirmed");
});
