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
      const tag = `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 40)}"`;
      // The ring may be drawn by the element or by an ancestor that styles :has(:focus-visible) (a card).
      let bearer: Element | null = element;
      while (bearer && bearer !== document.body) {
        const style = getComputedStyle(bearer);
        if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) break;
        bearer = bearer.parentElement;
      }
      if (!bearer || bearer === document.body) return { tag, visible: false };
      // ...and no ancestor may clip it away (overflow: hidden around an outline drawn outside the box).
      const style = getComputedStyle(bearer);
      const reach = parseFloat(style.outlineWidth) + Math.max(0, parseFloat(style.outlineOffset));
      const ring = bearer.getBoundingClientRect();
      for (let clip = bearer.parentElement; clip && clip !== document.documentElement; clip = clip.parentElement) {
        if (!/hidden|clip/.test(getComputedStyle(clip).overflow)) continue;
        const box = clip.getBoundingClientRect();
        if (ring.left - reach < box.left || ring.top - reach < box.top || ring.right + reach > box.right || ring.bottom + reach > box.bottom) {
          return { tag, visible: false };
        }
      }
      return { tag, visible: true };
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
