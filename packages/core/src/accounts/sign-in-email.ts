// The email that carries a sign-in code: the code in the subject line too (so it shows in a
// notification), how long it lasts, and what to do if it was not asked for. No link: a link that
// signs in would make the email itself a credential for whoever reads it later.

export function signInCodeEmail(to: string, code: string, validMinutes: number): { to: string; subject: string; text: string; html: string } {
  const subject = `${code} is your Shopwave sign-in code`;
  const text = [
    `Your Shopwave sign-in code is ${code}.`,
    "",
    `Enter it on the sign-in page within ${validMinutes} minutes. It works once.`,
    "If you did not try to sign in, you can ignore this email: nobody can sign in without the code.",
  ].join("\n");
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;color:#17242c">
<p>Your Shopwave sign-in code is</p>
<p style="font-size:28px;font-weight:700;letter-spacing:6px">${code}</p>
<p>Enter it on the sign-in page within ${validMinutes} minutes. It works once.</p>
<p style="color:#56646d">If you did not try to sign in, you can ignore this email: nobody can sign in without the code.</p>
</body></html>`;
  return { to, subject, text, html };
}
