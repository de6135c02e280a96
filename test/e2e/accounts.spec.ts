// Customer accounts in the browser: sign in with the code from the local inbox (timed from the
// "Sign in" click to signed in), buy while signed in (email pre-filled, order linked), find the
// order in the history and live on its page, the same history from a second browser context,
// sign out, a second account that cannot see the first's orders, keyboard-only sign-in, 360 px.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { codeFor, signInOnIssuer, unique } from "./support/sign-in-code";
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, CARDS, openCart, openProduct, payWithCard } from "./support/shopper";

/** From any storefront page: "Sign in" → email → code from the inbox → back, signed in. Returns the ms it took. */
async function signIn(page: Page, inboxUrl: string, email: string): Promise<number> {
  const started = Date.now();
  // The click waits for the issuer's page (on a loaded machine the first one can be slow).
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click({ timeout: 60_000 });
  await signInOnIssuer(page, inboxUrl, email);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" })).toBeVisible({ timeout: 30_000 });
  return Date.now() - started;
}

async function newShopper(browser: Browser, baseURL: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, locale: "en-US" });
  const page = await context.newPage();
  return { context, page };
}

test("a customer signs in with an emailed code, buys, and finds the order in their account on another browser", async ({ page, browser, e2e }, testInfo) => {
  // Three sign-ins, a purchase and a payment: a long journey.
  test.setTimeout(240_000);
  const email = `ada.${unique()}@example.com`;
  await page.goto("/");
  const ms = await signIn(page, e2e.inboxUrl, email);
  console.log(`sign-in: "Sign in" click to signed in took ${ms} ms (code read from the local inbox)`);
  await testInfo.attach("sign-in-ms", { body: String(ms), contentType: "text/plain" });
  // Back where the shopper started; no token anywhere a script or a URL could see it.
  await expect(page).toHaveURL(/\/$/);
  expect(await page.evaluate(() => JSON.stringify({ ...window.localStorage }) + document.cookie)).not.toMatch(/eyJ[A-Za-z0-9_-]+\./);
  const cookies = await page.context().cookies();
  for (const cookie of cookies.filter((c) => c.name.startsWith("sw_"))) {
    expect(cookie, cookie.name).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  }

  // Buy: the email is the account's, the order goes to the account.
  await openProduct(page, "Enamel Camp Mug");
  await addToCart(page, 1);
  await openCart(page);
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(email);
  await page.getByRole("button", { name: "Checkout" }).click();
  await expect(page.getByLabel("Card number")).toBeVisible();
  await payWithCard(page, CARDS.pays);
  // The order page settles the order from its session (or the webhook does): give a loaded machine time.
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible({ timeout: 30_000 });
  const orderId = /\/orders\/(ord_[0-9a-z]+)/.exec(page.url())![1]!;

  // The history: newest first, linking to the live order page.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
  await expect(page.getByTestId("account-email")).toHaveText(email);
  const history = page.getByRole("list", { name: "Orders, newest first" });
  await expect(history.getByRole("listitem").first()).toHaveAttribute("data-order-id", orderId);
  await expect(history.getByRole("listitem").first()).toContainText("Confirmed");
  await history.getByRole("link").first().click();
  await expect(page.getByTestId("account-order-status")).toHaveText("Confirmed");

  // Another browser (no order token there): the same history after signing in.
  const other = await newShopper(browser, e2e.storefrontUrl);
  await other.page.goto("/account");
  const warmStarted = Date.now();
  await other.page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
  await signInOnIssuer(other.page, e2e.inboxUrl, email);
  await expect(other.page.getByRole("list", { name: "Orders, newest first" }).getByRole("listitem").first()).toHaveAttribute("data-order-id", orderId);
  console.log(`sign-in on a second browser (issuer and handlers warm): ${Date.now() - warmStarted} ms to the account page with the history`);
  await other.page.goto(`/account/orders/${orderId}`);
  await expect(other.page.getByTestId("account-order-status")).toHaveText("Confirmed");

  // Sign out: the session is gone in this browser, the other one is unaffected.
  await page.goto("/account");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto(`/account/orders/${orderId}`);
  await expect(page.getByText("to see this order")).toBeVisible();
  await other.page.reload();
  await expect(other.page.getByTestId("account-order-status")).toHaveText("Confirmed");
  await saveJourneyScreenshot(other.page, testInfo, "account-order");

  // A second account sees none of it.
  const bob = await newShopper(browser, e2e.storefrontUrl);
  await bob.page.goto("/");
  await signIn(bob.page, e2e.inboxUrl, `bob.${unique()}@example.com`);
  await bob.page.goto("/account");
  await expect(bob.page.getByText("No orders yet.")).toBeVisible();
  await bob.page.goto(`/account/orders/${orderId}`);
  await expect(bob.page.getByRole("heading", { level: 1, name: "Order not found" })).toBeVisible();
  await Promise.all([other.context.close(), bob.context.close()]);
});

test("signing in works with the keyboard alone", async ({ page, e2e }) => {
  test.setTimeout(120_000);
  const email = `keys.${unique()}@example.com`;
  await page.goto("/");
  // Tab to the header's "Sign in" link.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === "Sign in") break;
  }
  expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Sign in");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  // The email field has focus on arrival.
  await expect(page.getByLabel("Email")).toBeFocused();
  await page.keyboard.type(email);
  const sentAfter = Date.now() / 1000 - 1;
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Code")).toBeFocused();
  await page.keyboard.type(await codeFor(e2e.inboxUrl, email, sentAfter));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" })).toBeVisible({ timeout: 30_000 });
});

test("sign-in and account pages fit a 360 px screen", async ({ browser, e2e }, testInfo) => {
  test.setTimeout(120_000);
  const { context, page } = await newShopper(browser, e2e.storefrontUrl, { width: 360, height: 740 });
  const fits = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await fits();
  // A long address (56 characters before the @, 90 or so in all) with no space to break at: the code
  // page and the account page show it, and must wrap it rather than widen the page.
  const email = `a.long.address.that.has.no.space.to.wrap.at.${unique()}@shopwave-customers.example.com`;
  await page.getByLabel("Email").fill(email);
  const sentAfter = Date.now() / 1000 - 1;
  await page.getByRole("button", { name: "Email me a code" }).click();
  await expect(page.getByLabel("Code")).toBeVisible();
  await fits();
  await page.getByLabel("Code").fill(await codeFor(e2e.inboxUrl, email, sentAfter));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.goto("/account");
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await fits();
  await saveJourneyScreenshot(page, testInfo, "account-360px");
  await context.close();
});
