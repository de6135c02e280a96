import { randomUUID } from "node:crypto";
import { SendEmailCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEmails, waitForEmails } from "../../../../test/support/inbox";
import { startLocalSes, type LocalSes } from "./ses-local";

describe("local SES v2 (aws-ses-v2-local)", () => {
  let ses: LocalSes;
  let client: SESv2Client;
  beforeAll(async () => {
    ses = await startLocalSes({ port: 0 });
    client = new SESv2Client({ endpoint: ses.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  });
  afterAll(async () => {
    client.destroy();
    await ses.stop();
  });

  it("listens on loopback at a free port and serves its web inbox", async () => {
    expect(ses.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ses.port).toBeGreaterThan(0);
    const page = await fetch(ses.inboxUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
  });

  it("accepts SendEmail from the current SDK and lists the mail at /store, found by recipient", async () => {
    const to = `inbox-${randomUUID().slice(0, 8)}@example.com`;
    const sent = await client.send(
      new SendEmailCommand({
        FromEmailAddress: "orders@shop.test",
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: "Hello" }, Body: { Text: { Data: "plain" }, Html: { Data: "<b>html</b>" } } } },
      }),
    );
    expect(sent.MessageId).toBeTruthy();
    const emails = await waitForEmails(ses.endpoint, { to, subject: "Hello" });
    expect(emails).toEqual([{ messageId: sent.MessageId, from: "orders@shop.test", to: [to], subject: "Hello", text: "plain", html: "<b>html</b>", at: expect.any(Number) }]);
    expect(await readEmails(ses.endpoint, { to, subject: /^Bye/ })).toEqual([]);
  });

  it("waitForEmails fails after its timeout, saying what it found", async () => {
    await expect(waitForEmails(ses.endpoint, { to: "nobody@example.com", timeoutMs: 100 })).rejects.toThrow(/Expected 1 email\(s\) \(to nobody@example.com\).*found 0/);
  });

  it("refuses a port that is taken, with a readable error", async () => {
    await expect(startLocalSes({ port: ses.port })).rejects.toThrow(/Cannot start the local SES/);
  });

  it("stops even with a keep-alive connection open", async () => {
    const other = await startLocalSes({ port: 0 });
    await fetch(`${other.endpoint}/health-check`);
    await other.stop();
    await expect(fetch(`${other.endpoint}/health-check`)).rejects.toThrow();
  });
});
