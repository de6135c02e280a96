// What the sign-in journeys share: a unique address per run, the newest sign-in code mailed to it
// since a moment, read from the local inbox, and the issuer's own pages (email → code), so the
// accounts and operator-console journeys differ only in where they start and land.
import { expect, type Page } from "@playwright/test";
import { readEmails } from "../../support/inbox";
import { codeFromSubject } from "../../support/sign-in";

export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function codeFor(inboxUrl: string, email: string, sentAfter: number): Promise<string> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const mail = (await readEmails(inboxUrl, { to: email, subject: "sign-in code" })).filter((m) => m.at >= Math.floor(sentAfter)).at(-1);
    if (mail) return codeFromSubject(mail.subject);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no sign-in code for ${email} in the inbox`);
}

/** On the issuer's "Sign in" page: email → "Check your email" → the code from the inbox → Sign in. */
export async function signInOnIssuer(page: Page, inboxUrl: string, email: string): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  const sentAfter = Date.now() / 1000 - 1;
  await page.getByRole("button", { name: "Email me a code" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
  await page.getByLabel("Code").fill(await codeFor(inboxUrl, email, sentAfter));
  await page.getByRole("button", { name: "Sign in" }).click();
}
