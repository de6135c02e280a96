// The main journey: browse the catalog, open a product, add it to the cart, check out, pay
// with 4242 4242 4242 4242, and watch the order page turn Confirmed by itself.
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { addToCart, CARDS, checkOut, openCart, openProduct, orderStatusFromApi, payWithCard, pendingCheckout } from "./support/shopper";

test("a shopper buys a product with a card and sees the order confirmed live", async ({ page, context, e2e }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Harbor & Pine goods" })).toBeVisible();
  const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "Enamel Camp Mug", exact: true }) });
  await expect(card.getByText("$18.00")).toBeVisible();
  await expect(card.getByText("In stock")).toBeVisible();
  await expect(card.getByRole("img", { name: "Enamel Camp Mug" })).toBeVisible();

  await openProduct(page, "Enamel Camp Mug");
  await addToCart(page, 2);
  await expect(page.getByRole("link", { name: "Cart, 2 items" })).toBeVisible();

  await openCart(page);
  const line = page.getByRole("list", { name: "Items in your cart" }).getByRole("listitem");
  await expect(line).toHaveCount(1);
  await expect(line.getByRole("combobox", { name: "Quantity of Enamel Camp Mug" })).toHaveValue("2");
  await expect(page.getByRole("definition")).toHaveText("$36.00");

  await checkOut(page, "mug.buyer@example.com");
  await expect(page.getByText("$36.00").first()).toBeVisible(); // the payment page charges what the cart said

  // A second tab on the order page before paying: it must turn Confirmed without a reload.
  const orderTab = await context.newPage();
  await orderTab.goto("/");
  const { orderId, accessToken } = await pendingCheckout(orderTab);
  // The order page's URL holds no token: this browser placed the order and kept it.
  await orderTab.goto(`/orders/${orderId}`);
  await expect(orderTab.getByText("Waiting for payment confirmation")).toBeVisible();
  let reloads = 0;
  orderTab.on("framenavigated", (frame) => {
    if (frame === orderTab.mainFrame()) reloads++;
  });

  await payWithCard(page, CARDS.pays);
  await expect(page.getByRole("heading", { level: 1, name: "Your order" })).toBeVisible();
  // Back from Checkout with ?session_id=…: the page settles the order from it and takes it off
  // the address bar, so it is not copied, bookmarked or sent on.
  await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`));
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  await expect(page.getByRole("row", { name: /Enamel Camp Mug\s+2\s+\$36\.00/ })).toBeVisible();

  await expect(orderTab.getByText("Confirmed", { exact: true })).toBeVisible();
  expect(reloads, "the order page updated in place").toBe(0);
  expect(await orderStatusFromApi(e2e.apiUrl, orderId, accessToken)).toBe("CONFIRMED");

  // Bought: the cart is empty again.
  await expect(page.getByRole("link", { name: "Cart", exact: true })).toBeVisible();
  await saveJourneyScreenshot(page, testInfo, "purchase-confirmed");
});
