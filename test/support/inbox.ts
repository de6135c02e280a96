// Reads the local SES inbox (aws-ses-v2-local's GET /store): the mails the handlers sent, parsed.
// waitForEmails polls until the mails a test expects are there (no fixed sleeps); readEmails is a
// one-off read for "and no more than that" checks after a barrier.

export interface InboxEmail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Epoch seconds the local SES accepted it. */
  at: number;
}

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export interface InboxFilter {
  /** Only mails to this address (case-insensitive). */
  to?: string;
  /** Only mails whose subject contains this text or matches this pattern. */
  subject?: string | RegExp;
}

/** `inboxUrl` is the local SES's address (`stack.urls.ses` or `stack.urls.inbox`). */
export async function readEmails(inboxUrl: string, filter: InboxFilter = {}): Promise<InboxEmail[]> {
  const response = await fetch(new URL("/store", inboxUrl));
  if (!response.ok) throw new Error(`GET /store of the local SES answered ${response.status}: ${await response.text()}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const to = filter.to?.toLowerCase();
  return emails
    .map(
      (email): InboxEmail => ({
        messageId: email.messageId,
        from: email.from,
        to: email.destination.to,
        subject: email.subject,
        text: email.body.text ?? "",
        html: email.body.html ?? "",
        at: email.at,
      }),
    )
    .filter((email) => to === undefined || email.to.some((address) => address.toLowerCase() === to))
    .filter((email) =>
      filter.subject === undefined ? true : typeof filter.subject === "string" ? email.subject.includes(filter.subject) : filter.subject.test(email.subject),
    );
}

/**
 * Polls until at least `count` (default 1) matching mails are in the inbox and returns all the
 * matching ones (so a test can assert there are not more); fails after `timeoutMs` saying what it saw.
 */
export async function waitForEmails(
  inboxUrl: string,
  options: InboxFilter & { count?: number; timeoutMs?: number; pollMs?: number } = {},
): Promise<InboxEmail[]> {
  const count = options.count ?? 1;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const emails = await readEmails(inboxUrl, options);
    if (emails.length >= count) return emails;
    if (Date.now() > deadline) {
      const wanted = [options.to && `to ${options.to}`, options.subject && `subject ${String(options.subject)}`].filter(Boolean).join(", ");
      throw new Error(
        `Expected ${count} email(s)${wanted ? ` (${wanted})` : ""} in the local inbox within ${options.timeoutMs ?? 10_000} ms; found ${emails.length}: ${JSON.stringify(emails.map((email) => ({ to: email.to, subject: email.subject })))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}
