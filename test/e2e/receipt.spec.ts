// After buying: the order page shows the order's history (placed, payment received, confirmed,
// receipt emailed) live, the receipt is in the local inbox with the right total, and its link
// opens the confirmed order in another browser (no localStorage there: the token comes with the link, in
// the fragment, which the page takes off the address bar).
import { readEmails, waitForEmails } from "../support/inbox";
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, CARDS, checkOut, openCart, openProduct, payWithCard } from "./support/shopper";

test("the receipt reaches the inbox with the total, its link opens the order elsewhere, and the order page shows the history", async ({ page, browser, e2e }, testInfo) => {
  const email = `receipt.${Date.now()}@example.com`;
  await page.goto("/");
  await openProduct(page, "Enamel Camp Mug");
  await addToCart(page, 3);
  await openCart(page);
  await checkOut(page, email);
  await payWithCard(page, CARDS.pays);
  await expect(page.getByRole("heading", { level: 1, name: "Your order" })).toBeVisible();
  // Back from Checkout on the order's page (the session id already taken off the address bar).
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]+$/);
  const orderId = new URL(page.url()).pathname.split("/").pop()!;

  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  const history = page.getByRole("list").filter({ has: page.getByText("Order placed") });
  await expect(history.getByRole("listitem").filter({ hasText: "Order placed" })).toBeVisible();
  await expect(history.getByRole("listitem").filter({ hasText: "Payment received" })).toBeVisible();
  await expect(history.getByRole("listitem").filter({ hasText: "Order confirmed" })).toBeVisible();
  // The email entry arrives after the confirmation, without a reload.
  await expect(history.getByRole("listitem").filter({ hasText: "Receipt emailed to you" })).toBeVisible({ timeout: 20_000 });
  for (const time of await history.locator("time").all()) expect(Date.parse((await time.getAttribute("datetime")) ?? "")).not.toBeNaN();
  await saveJourneyScreenshot(page, testInfo, "receipt-timeline");

  const [receipt] = await waitForEmails(e2e.inboxUrl, { to: email });
  expect(receipt!.subject).toBe(`Your receipt for order ${orderId}`);
  expect(receipt!.text).toContain("- Enamel Camp Mug: 3 × $18.00 = $54.00");
  expect(receipt!.text).toContain("Total: $54.00");
  const link = /View your order: (\S+)/.exec(receipt!.text)![1]!;
  expect(new URL(link).hash).toMatch(/^#token=[A-Za-z0-9_-]+$/);
  expect(receipt!.html).toContain(`href="${link.replace(/&/g, "&amp;")}"`);

  // Another device: a fresh browser context holds no token for this order.
  const elsewhere = await browser.newContext();
  try {
    const other = await elsewhere.newPage();
    await other.goto(link);
    await expect(other.getByRole("heading", { level: 1, name: "Your order" })).toBeVisible();
    await expect(other.getByText("Confirmed", { exact: true })).toBeVisible();
    await expect(other.getByRole("row", { name: /Enamel Camp Mug\s+3\s+\$54\.00/ })).toBeVisible();
    // The token left the address bar once the page had it.
    await expect(other).toHaveURL(new RegExp(`/orders/${orderId}$`));
    await saveJourneyScreenshot(other, testInfo, "receipt-link-elsewhere");
  } finally {
    await elsewhere.close();
  }
  // Exactly one receipt.
  expect(await readEmails(e2e.inboxUrl, { to: email })).toHaveLength(1);
});
