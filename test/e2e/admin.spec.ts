// The operator console in the browser: an operator signs in at /admin with an emailed code and
// refunds a paid order found by the shopper's email (REFUNDED through the webhook, the refund
// email in the inbox), restocks a sold-out product (the shop shows it for sale again), and does
// a refund with the keyboard alone, and redrives a payment event parked in the dead-letter queue
// (the order is then confirmed); a customer is refused and a stranger is asked to sign in.
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Page } from "@playwright/test";
import { eventConsumers, queues } from "@shopwave/infra/topology";
import { readEmails, waitForEmails } from "../support/inbox";
import { payOnCheckoutPage } from "../support/checkout-page-client";
import { signInOnIssuer, unique } from "./support/sign-in-code";
import { expect, saveJourneyScreenshot, test } from "./support/fixtures";
import { orderStatusFromApi } from "./support/shopper";

/** From the console's "sign in" prompt: email → code from the inbox → back on /admin, signed in. */
async function signInFromConsole(page: Page, inboxUrl: string, email: string): Promise<void> {
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Operator console" })).toBeVisible();
  // The click waits for the issuer's page (on a loaded machine the first one can be slow).
  await page.getByRole("main").getByRole("link", { name: "Sign in" }).click({ timeout: 60_000 });
  await signInOnIssuer(page, inboxUrl, email);
  // Back through the storefront's callback (whose URL names /admin too) to /admin: an operator is
  // sent on to Orders, a customer is refused there.
  await page.waitForURL((url) => url.pathname.startsWith("/admin"), { timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1, name: /^(Orders|Operators only)$/ })).toBeVisible({ timeout: 30_000 });
}

/** A paid, confirmed order for `email`, placed and paid the way a shopper's browser would (API + hosted page). */
async function paidOrder(apiUrl: string, email: string, productId = "enamel-camp-mug"): Promise<string> {
  const placed = await fetch(`${apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, items: [{ productId, quantity: 1 }] }),
  });
  expect(placed.status).toBe(201);
  const { order, checkoutUrl, accessToken } = (await placed.json()) as { order: { id: string }; checkoutUrl: string; accessToken: string };
  await payOnCheckoutPage(checkoutUrl, "4242424242424242");
  await expect.poll(() => orderStatusFromApi(apiUrl, order.id, accessToken), { timeout: 30_000 }).toBe("CONFIRMED");
  return order.id;
}

/** Orders → find by the shopper's email → the order's page. */
async function openOrderByEmail(page: Page, email: string, orderId: string): Promise<void> {
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Orders" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  await page.getByLabel("Order id or email").fill(email);
  await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("link", { name: orderId }).click();
  await expect(page.getByRole("heading", { level: 1, name: orderId })).toBeVisible();
  await expect(page.getByTestId("order-status")).toHaveText("CONFIRMED");
}

/** The order page itself turns REFUNDED once the refund's webhook has settled the order (no reload). */
async function expectRefunded(page: Page): Promise<void> {
  await expect(page.getByTestId("order-status")).toHaveText("REFUNDED", { timeout: 30_000 });
}

test("an operator finds a paid order by email and refunds it in full; the shopper gets the refund email", async ({ page, e2e }, testInfo) => {
  test.setTimeout(180_000);
  const shopper = `refund.${unique()}@example.com`;
  const orderId = await paidOrder(e2e.apiUrl, shopper);

  await signInFromConsole(page, e2e.inboxUrl, e2e.operatorEmail);
  await openOrderByEmail(page, shopper, orderId);

  const refund = page.getByRole("form", { name: "Refund" });
  await refund.getByLabel("Note").fill("Arrived broken");
  await refund.getByRole("button", { name: "Refund…" }).click();
  // Nothing happens before the operator confirms the amount and the shopper.
  await expect(refund.getByText(`to ${shopper}?`)).toBeVisible();
  await expect(page.getByTestId("refunded")).toHaveText("$0.00");
  await refund.getByRole("button", { name: "Confirm refund" }).click();
  await expect(page.getByTestId("refunded")).not.toHaveText("$0.00");

  await expectRefunded(page);
  await expect(page.getByRole("heading", { level: 2, name: "Refunds" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Refund" })).toHaveCount(0);
  // The order's event timeline, as the timeline consumer recorded it (it trails the order by the
  // events pipeline: reload until the refund is on it, bounded).
  await expect(async () => {
    await page.reload();
    const history = page.getByRole("region", { name: "History" });
    for (const entry of ["Order placed", "Payment received", "Order confirmed"]) await expect(history.getByText(entry)).toBeVisible({ timeout: 2_000 });
    await expect(history.getByText(/refund/i).first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await saveJourneyScreenshot(page, testInfo, "admin-refunded-order");

  const mails = await waitForEmails(e2e.inboxUrl, { to: shopper, subject: `Your refund for order ${orderId}`, timeoutMs: 30_000 });
  expect(mails).toHaveLength(1);
});

test("an operator restocks a sold-out product and the shop sells it again", async ({ page, browser, e2e }) => {
  test.setTimeout(180_000);
  // The single Adirondack chair, reserved by a pending order: the shop shows it sold out.
  const reserved = await fetch(`${e2e.apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `chair.${unique()}@example.com`, items: [{ productId: "cedar-adirondack-chair", quantity: 1 }] }),
  });
  expect(reserved.status).toBe(201);
  const shop = await browser.newPage({ baseURL: e2e.storefrontUrl });
  await expect(async () => {
    await shop.goto("/products/cedar-adirondack-chair");
    await expect(shop.getByText("Sold out").first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  await signInFromConsole(page, e2e.inboxUrl, e2e.operatorEmail);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Sale" }).click();
  const row = page.locator('tr[data-product="cedar-adirondack-chair"]');
  await expect(row.getByRole("cell").nth(1)).toHaveText("0");
  // The live figures: orders counted from the order events (the chair's reservation among them;
  // the page refreshes itself), and every consumer queue with its DLQ.
  await expect(page.getByTestId("orders-per-minute")).toBeVisible();
  await expect(page.getByRole("table", { name: "Orders" }).getByRole("row", { name: /^Placed/ }).getByRole("cell").nth(1)).not.toHaveText("0", { timeout: 30_000 });
  for (const queue of [...Object.values(queues), ...Object.values(eventConsumers)].map((declared) => declared.resource)) {
    await expect(page.getByRole("table", { name: "Queues" }).getByRole("row", { name: new RegExp(`^${queue}`) })).toBeVisible();
  }
  const restock = row.getByRole("form", { name: "Restock cedar-adirondack-chair" });
  await restock.getByLabel("Units to add").fill("4");
  await restock.getByLabel("Reason").fill("Found in the back room");
  await restock.getByRole("button", { name: "Add" }).click();
  await expect(restock.getByRole("status")).toHaveText(/Now 4 available \(1 reserved\)/);
  await expect(row.getByRole("cell").nth(1)).toHaveText("4");

  // Catalog pages are cached for seconds: reload until the shop has caught up (bounded).
  await expect(async () => {
    await shop.reload();
    await expect(shop.getByText("Only 4 left").first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(shop.getByRole("button", { name: "Add to cart" })).toBeEnabled();
  await shop.close();

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByText("Found in the back room").first()).toBeVisible();
});

test("a customer opening /admin is refused and a stranger is asked to sign in", async ({ page, browser, e2e }) => {
  test.setTimeout(120_000);
  const stranger = await browser.newPage({ baseURL: e2e.storefrontUrl });
  await stranger.goto("/admin/orders");
  await expect(stranger.getByRole("heading", { level: 1, name: "Operator console" })).toBeVisible();
  await expect(stranger.getByRole("main").getByRole("link", { name: "Sign in" })).toHaveAttribute("href", /\/auth\/sign-in\?returnTo=/);
  await expect(stranger.getByRole("table")).toHaveCount(0);
  await stranger.close();

  const customer = `customer.${unique()}@example.com`;
  await signInFromConsole(page, e2e.inboxUrl, customer);
  for (const path of ["/admin", "/admin/orders", "/admin/dead-letters", "/admin/audit"]) {
    await page.goto(path);
    await expect(page.getByRole("alert").getByRole("heading", { level: 1, name: "Operators only" })).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
  }
  // The API refuses the customer too, whatever the page shows.
  const cookies = await page.context().cookies();
  expect(cookies.length).toBeGreaterThan(0);
  const answer = await page.request.get("/api/admin/orders?status=CONFIRMED");
  expect(answer.status()).toBe(403);
});

test("a refund can be done with the keyboard alone", async ({ page, e2e }) => {
  test.setTimeout(180_000);
  const shopper = `keys.${unique()}@example.com`;
  const orderId = await paidOrder(e2e.apiUrl, shopper, "field-notebook");
  await signInFromConsole(page, e2e.inboxUrl, e2e.operatorEmail);
  await openOrderByEmail(page, shopper, orderId);

  const refund = page.getByRole("form", { name: "Refund" });
  await refund.getByLabel(/^Amount/).focus();
  await page.keyboard.press("Tab"); // reason (left as "requested by customer")
  await expect(refund.getByLabel("Reason")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(refund.getByLabel("Note")).toBeFocused();
  await page.keyboard.type("Keyboard refund");
  await page.keyboard.press("Enter");
  const confirm = refund.getByRole("button", { name: "Confirm refund" });
  await expect(confirm).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("refunded")).not.toHaveText("$0.00");
  await expectRefunded(page);
  await expect(page.getByRole("heading", { level: 2, name: "Refunds" }).locator("xpath=following-sibling::ul[1]").getByRole("listitem")).toHaveCount(1);
});

/** Visible plus in-flight messages on the queue. */
async function depthOf(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

test("an operator inspects a dead-lettered payment event and redrives it; the order is confirmed once", async ({ page, e2e }, testInfo) => {
  test.setTimeout(180_000);
  const sqs = new SQSClient({ endpoint: e2e.sqsUrl, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const control = (what: "pause" | "resume") => fetch(`${e2e.orderWorkerControlUrl}/${what}`, { method: "POST" }).then((response) => expect(response.status).toBe(204));
  const shopper = `parked.${unique()}@example.com`;
  const placed = await fetch(`${e2e.apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: shopper, items: [{ productId: "linen-work-apron", quantity: 1 }] }),
  });
  expect(placed.status).toBe(201);
  const { order, checkoutUrl } = (await placed.json()) as { order: { id: string }; checkoutUrl: string };

  // A worker that fails every time: the payment's events are received without being deleted
  // until the queue's redrive policy parks them in the DLQ.
  await control("pause");
  try {
    await payOnCheckoutPage(checkoutUrl, "4242424242424242");
    let seen = false;
    await expect(async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: e2e.orderEventsQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ["All"] }),
      );
      seen ||= Messages.some((message) => message.MessageAttributes?.orderId?.StringValue === order.id);
      expect(seen, "the payment's event was enqueued").toBe(true);
      expect(await depthOf(sqs, e2e.orderEventsQueueUrl), "everything parked").toBe(0);
    }).toPass({ timeout: 30_000, intervals: [50] });
  } finally {
    await control("resume");
  }

  await signInFromConsole(page, e2e.inboxUrl, e2e.operatorEmail);
  await page.goto(`/admin/orders/${order.id}`);
  await expect(page.getByTestId("order-status")).toHaveText("PENDING_PAYMENT");

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Dead letters" }).click();
  const dlq = queues.orderEvents.deadLetter.resource;
  await expect(page.getByTestId(`depth-${dlq}`)).not.toHaveText("0");
  await page.getByRole("row").filter({ hasText: dlq }).getByRole("button", { name: "Inspect" }).click();
  const parked = page.getByRole("article").filter({ hasText: `orderId=${order.id}` }).filter({ hasText: "checkout.session.completed" });
  await expect(parked).toHaveCount(1);
  await expect(parked).toContainText("stripeEventType=checkout.session.completed");
  await saveJourneyScreenshot(page, testInfo, "admin-dead-letter");

  await parked.getByRole("button", { name: "Redrive…" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Confirm" });
  await expect(confirm).toContainText("Redrive");
  await confirm.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status")).toHaveText(/: done\.$/);
  await expect(parked).toHaveCount(0);

  await page.goto(`/admin/orders/${order.id}`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("order-status")).toHaveText("CONFIRMED", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  // Once: after the order-events queue has drained, one receipt went out.
  await waitForEmails(e2e.inboxUrl, { to: shopper, subject: `Your receipt for order ${order.id}`, timeoutMs: 30_000 });
  await expect.poll(() => depthOf(sqs, e2e.orderEventsQueueUrl), { timeout: 30_000 }).toBe(0);
  expect(await readEmails(e2e.inboxUrl, { to: shopper, subject: `Your receipt for order ${order.id}` })).toHaveLength(1);

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByText("dlq.redrive").first()).toBeVisible();
  sqs.destroy();
});
