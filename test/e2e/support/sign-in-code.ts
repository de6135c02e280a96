// What the sign-in journeys share: a unique address per run, and the newest sign-in code mailed
// to it since a moment, read from the local inbox (the accounts and operator-console journeys).
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
