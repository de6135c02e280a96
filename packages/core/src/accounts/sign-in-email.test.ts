// The sign-in code email: the code in the subject (it shows in a notification) and in both bodies,
// with how long it lasts, and no link that would make the email a credential.
import { describe, expect, it } from "vitest";
import { signInCodeEmail } from "./sign-in-email";

describe("signInCodeEmail", () => {
  it("carries the code in the subject and both bodies, with its validity, and no link", () => {
    const mail = signInCodeEmail("ada@example.com", "048213", 10);
    expect(mail.to).toBe("ada@example.com");
    expect(mail.subject).toBe("048213 is your Shopwave sign-in code");
    expect(mail.text).toBe(
      [
        "Your Shopwave sign-in code is 048213.",
        "",
        "Enter it on the sign-in page within 10 minutes. It works once.",
        "If you did not try to sign in, you can ignore this email: nobody can sign in without the code.",
      ].join("\n"),
    );
    expect(mail.html).toContain(">048213</p>");
    expect(mail.html).toContain("within 10 minutes. It works once.");
    expect(mail.html).toContain("nobody can sign in without the code");
    expect(mail.html).not.toMatch(/<a\b|https?:/);
  });
});
