// The issuer's own pages (OpenAuth's default UI loads Tailwind and Google Fonts from other hosts,
// which the storefront's "nothing from other hosts" rule and its CSP forbid): plain HTML forms in
// the storefront's look, one stylesheet served by the issuer itself, no script at all, labelled
// fields, an error summary that takes focus through `autofocus`, usable from 360 px.

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export const ISSUER_STYLESHEET_PATH = "/assets/sign-in.css";

export const issuerStylesheet = `:root{--ink:#17242c;--muted:#56646d;--line:#dfe5e8;--paper:#fff;--canvas:#f5f3ee;--brand:#1f4f63;--danger:#b3261e;--ok:#1d6b40;--focus:#f0a500;--radius:12px;color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--canvas);min-height:100vh}
header{background:var(--paper);border-bottom:1px solid var(--line)}
header .bar{max-width:1120px;margin:0 auto;padding:12px 16px}
.brand{font-weight:700;font-size:1.25rem;color:var(--brand);text-decoration:none}
main{max-width:440px;margin:32px auto;padding:0 16px}
.card{background:var(--paper);border:1px solid var(--line);border-radius:var(--radius);padding:24px}
h1{font-size:1.6rem;line-height:1.2;margin:0 0 .5rem}
p{margin:0 0 1rem}
.hint{color:var(--muted);font-size:.95rem;overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:0 0 .35rem}
input{display:block;width:100%;font:inherit;padding:.65rem .75rem;border:1px solid #8a979e;border-radius:8px;background:var(--paper);color:var(--ink);margin:0 0 1rem}
input[inputmode=numeric]{letter-spacing:.3em;font-size:1.3rem}
button{font:inherit;font-weight:600;border-radius:8px;padding:.7rem 1.1rem;cursor:pointer;border:1px solid var(--brand);min-height:44px}
.primary{background:var(--brand);color:#fff;width:100%}
.link{background:none;border:none;color:var(--brand);text-decoration:underline;padding:.5rem 0;min-height:44px}
.error{border:2px solid var(--danger);color:var(--danger);border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;background:#fff}
.notice{border:1px solid var(--ok);color:var(--ok);border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;background:#fff}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

function page(title: string, storefrontUrl: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(title)} · Shopwave</title>
<link rel="stylesheet" href="${ISSUER_STYLESHEET_PATH}">
</head>
<body>
<header><div class="bar"><a class="brand" href="${escapeHtml(storefrontUrl)}/">Shopwave</a></div></header>
<main id="main">
<div class="card">
${body}
</div>
</main>
</body>
</html>`;
}

function errorBox(message: string | undefined): string {
  // role=alert is announced; the field after it keeps autofocus so typing can resume at once.
  return message ? `<div class="error" role="alert" id="form-error">${escapeHtml(message)}</div>` : "";
}

export function emailPage(options: { storefrontUrl: string; email?: string; error?: string }): string {
  const described = options.error ? ` aria-describedby="form-error" aria-invalid="true"` : "";
  return page(
    "Sign in",
    options.storefrontUrl,
    `<h1>Sign in</h1>
<p class="hint">We will email you a 6-digit code. No password needed.</p>
${errorBox(options.error)}
<form method="post" novalidate>
<input type="hidden" name="action" value="request">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254" autofocus value="${escapeHtml(options.email ?? "")}"${described}>
<button class="primary" type="submit">Email me a code</button>
</form>`,
  );
}

export function codePage(options: { storefrontUrl: string; email: string; error?: string; resent?: boolean }): string {
  const described = options.error ? ` aria-describedby="form-error" aria-invalid="true"` : ` aria-describedby="code-hint"`;
  return page(
    "Enter your code",
    options.storefrontUrl,
    `<h1>Check your email</h1>
${options.resent ? `<div class="notice" role="status">We sent a new code.</div>` : ""}
<p class="hint" id="code-hint">We sent a 6-digit code to <strong>${escapeHtml(options.email)}</strong>. It works once, for 10 minutes.</p>
${errorBox(options.error)}
<form method="post" novalidate>
<input type="hidden" name="action" value="verify">
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" required autofocus${described}>
<button class="primary" type="submit">Sign in</button>
</form>
<form method="post">
<input type="hidden" name="action" value="resend">
<button class="link" type="submit">Send a new code</button>
</form>
<form method="post">
<input type="hidden" name="action" value="restart">
<button class="link" type="submit">Use another email</button>
</form>`,
  );
}

export function problemPage(options: { storefrontUrl: string; message: string }): string {
  return page(
    "Sign-in problem",
    options.storefrontUrl,
    `<h1>We could not sign you in</h1>
<div class="error" role="alert">${escapeHtml(options.message)}</div>
<p><a href="${escapeHtml(options.storefrontUrl)}/">Back to the shop</a></p>`,
  );
}

/**
 * The pages' CSP: no script anywhere, styles only from the issuer itself, and forms that may post
 * only here (the code form's answer is a redirect to the storefront's callback, which Chromium
 * checks against form-action too).
 */
export function signInPageHeaders(storefrontOrigin: string, https: boolean): Record<string, string> {
  return {
    "content-security-policy": [
      "default-src 'none'",
      "style-src 'self'",
      "img-src 'self'",
      `form-action 'self' ${storefrontOrigin}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      ...(https ? ["upgrade-insecure-requests"] : []),
    ].join("; "),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    // Not no-referrer: with it, browsers send `Origin: null` on the pages' own form posts.
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
    ...(https ? { "strict-transport-security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
