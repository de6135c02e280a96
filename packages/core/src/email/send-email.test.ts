import { randomUUID } from "node:crypto";
import { SendEmailCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { afterAll, afterEach, describe, expect, inject, it, vi } from "vitest";
import { readEmails, waitForEmails } from "../../../../test/support/inbox";
import { sendEmail } from "./send-email";

// The unit project's local SES (test/support/ses-global-setup.ts), reached as handlers reach SES.
const endpoint = inject("sesEndpoint");
const ses = new SESv2Client({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
afterAll(() => ses.destroy());
afterEach(() => {
  vi.restoreAllMocks();
});

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

  it("declares the subject and both bodies UTF-8 to SES (the local one decodes any charset alike)", async () => {
    const send = vi.spyOn(ses, "send");
    await sendEmail({ ses, from: "orders@shop.test" }, { to: recipient(), subject: "Zoë", text: "✓", html: "<p>✓</p>" });
    const command = send.mock.calls[0]![0] as SendEmailCommand;
    expect(command).toBeInstanceOf(SendEmailCommand);
    const simple = command.input.Content?.Simple;
    expect([simple?.Subject?.Charset, simple?.Body?.Text?.Charset, simple?.Body?.Html?.Charset]).toEqual(["UTF-8", "UTF-8", "UTF-8"]);
  });

  it("rejects an answer without a MessageId rather than report a send it cannot name", async () => {
    const silent = { send: async () => ({}) } as unknown as SESv2Client;
    await expect(sendEmail({ ses: silent, from: "orders@shop.test" }, { to: recipient(), subject: "s", text: "t", html: "<p>h</p>" })).rejects.toThrow("SES accepted the email but returned no MessageId.");
  });

  it("rejects when SES refuses the mail, and nothing is delivered", async () => {
    const to = recipient();
    await expect(sendEmail({ ses, from: "" }, { to, subject: "s", text: "t", html: "<p>h</p>" })).rejects.toThrow();
    expect(await readEmails(endpoint, { to })).toEqual([]);
  });
});
