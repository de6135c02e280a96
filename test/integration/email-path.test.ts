// The mail path on the local stack: a handler's SES client and sender (packages/functions
// shared/email.ts) reach the stack's SES through the same channels as on AWS (the SDK's
// AWS_ENDPOINT_URL_SESV2, SST's Resource.Email), and the mail lands in the local inbox.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { email } from "@shopwave/infra/topology";
import { sendEmail } from "@shopwave/core/email/send-email";
import { waitForEmails } from "../support/inbox";
import { startTestStack, type TestStack } from "../support/test-stack";

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ startPoller: false });
});
afterAll(async () => {
  await t?.stop();
});

describe("the mail path", () => {
  it("sends from the linked identity's sender through the stack's SES, into the inbox the stack reports", async () => {
    expect(t.stack.handlerEnv.AWS_ENDPOINT_URL_SESV2).toBe(t.stack.urls.ses);
    // Imported after the stack set the handlers' env, as a handler module loads in its container.
    const { sesClient, emailSender } = await import("@shopwave/functions/shared/email");
    expect(emailSender()).toBe(email.localSender);

    const to = `buyer-${randomUUID().slice(0, 8)}@example.com`;
    const { messageId } = await sendEmail({ ses: sesClient, from: emailSender() }, { to, subject: "Receipt", text: "Thanks", html: "<p>Thanks</p>" });
    const [received, ...more] = await waitForEmails(t.stack.urls.inbox, { to });
    expect(more).toEqual([]);
    expect(received).toMatchObject({ messageId, from: email.localSender, to: [to], subject: "Receipt", text: "Thanks", html: "<p>Thanks</p>" });

    const page = await fetch(t.stack.urls.inbox);
    expect(page.status).toBe(200);
  });
});
