import { randomUUID } from "node:crypto";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { afterAll, describe, expect, inject, it } from "vitest";
import { readEmails, waitForEmails } from "../../../../test/support/inbox";
import { sendEmail } from "./send-email";

// The unit project's local SES (test/support/ses-global-setup.ts), reached as handlers reach SES.
const endpoint = inject("sesEndpoint");
const ses = new SESv2Client({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
afterAll(() => ses.destroy());

const recipient = () => `shopper-${randomUUID().slice(0, 8)}@example.com`;

describe("sendEmail", () => {
  it("sends one mail with the subject, a plain-text and an HTML body, from the sender, to the recipient", async () => {
    const to = recipient();
    const { messageId } = await sendEmail(
      { ses, from: "orders@shop.test" },
      { to, subject: "Your order ord_123 is confirmed", text: "Thanks!\nTotal: $12.50", html: "<p>Thanks!</p><p>Total: <strong>$12.50</strong></p>" },
    );
    const [email, ...others] = await waitForEmails(endpoint, { to });
    expect(others).toEqual([]);
    expect(email).toMatchObject({
      messageId,
      from: "orders@shop.test",
      to: [to],
      subject: "Your order ord_123 is confirmed",
      text: "Thanks!\nTotal: $12.50",
      html: "<p>Thanks!</p><p>Total: <strong>$12.50</strong></p>",
    });
  });

  it("keeps non-ASCII text intact (UTF-8 subject and bodies)", async () => {
    const to = recipient();
    await sendEmail({ ses, from: "orders@shop.test" }, { to, subject: "Commande confirmée — 12,50 €", text: "Merci, Zoë ✓", html: "<p>Merci, Zoë ✓</p>" });
    const [email] = await waitForEmails(endpoint, { to });
    expect(email).toMatchObject({ subject: "Commande confirmée — 12,50 €", text: "Merci, Zoë ✓", html: "<p>Merci, Zoë ✓</p>" });
  });

  it("rejects when SES refuses the mail, and nothing is delivered", async () => {
    const to = recipient();
    await expect(sendEmail({ ses, from: "" }, { to, subject: "s", text: "t", html: "<p>h</p>" })).rejects.toThrow();
    expect(await readEmails(endpoint, { to })).toEqual([]);
  });
});
