// A purchase with the keyboard alone: skip link, Tab through the catalog, the buy box, the
// cart and the payment page, Enter to act. Every control on the way shows where focus is.
import type { Locator, Page } from "@playwright/test";
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { CARDS } from "./support/shopper";

/** Presses Tab until `target` has focus, checking that each stop shows a visible focus indicator. */
async function tabTo(page: Page, target: Locator, maxStops = 40): Promise<void> {
  for (let stop = 0; stop < maxStops; stop++) {
    await page.keyboard.press("Tab");
    const indicator = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return { tag: "body", visible: true };
      const own = getComputedStyle(element);
      // Card links draw their focus ring on the ::after that covers the whole card.
      const after = getComputedStyle(element, "::after");
      const visible = (own.outlineStyle !== "none" && parseFloat(own.outlineWidth) > 0) || (after.outlineStyle !== "none" && parseFloat(after.outlineWidth) > 0);
      return { tag: `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 40)}"`, visible };
    });
    expect(indicator.visible, `focus indicator on ${indicator.tag}`).toBe(true);
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

test("a shopper buys with the keyboard only", async ({ page }, testInfo) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");

  await tabTo(page, page.getByRole("link", { name: "Linen Work Apron", exact: true }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Linen Work Apron" })).toBeVisible();

  await tabTo(page, page.getByLabel("Quantity", { exact: true }));
  await page.keyboard.press("ArrowDown");
  await expect(page.getByLabel("Quantity", { exact: true })).toHaveValue("2");
  await tabTo(page, page.getByRole("button", { name: "Add to cart" }));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByRole("link", { name: "View cart" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Quantity of Linen Work Apron" })).toHaveValue("2");

  await tabTo(page, page.getByLabel("Email", { exact: true }));
  await page.keyboard.type("keys.only@example.com");
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Card number")).toBeVisible();

  await tabTo(page, page.getByLabel("Card number"));
  await page.keyboard.type(CARDS.pays);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  await expect(page.getByRole("row", { name: /Linen Work Apron\s+2\s+\$96\.00/ })).toBeVisible();
  await saveJourneyScreenshot(page, testInfo, "keyboard-purchase-confirmed");
});
