// The email-code provider on its own routes (mounted as OpenAuth mounts it, with OpenAuth's
// per-browser state kept in a map), codes and rate limits on DynamoDB Local: each step of the
// sign-in form, what it mails, what state it keeps, when it hands the verified email to OpenAuth,
// and every refusal (bad input 400, expired state 400, too many requests or guesses 429 with
// Retry-After). issuer-app.test.ts runs the same provider through the whole OpenAuth flow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hono } from "hono";
import type { ProviderOptions } from "@openauthjs/openauth/provider/provider";
import type { AccountsStore, SignInLimits } from "@shopwave/core/accounts/sign-in-code";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import { clientAddressOf, emailCodeProvider } from "./email-code-provider";

const STOREFRONT = "http://localhost:3900";
let u: UnitStore;
let accounts: AccountsStore;
beforeAll(async () => {
  u = await createUnitStore();
  accounts = u.accounts;
});
afterAll(() => u?.destroy());

let browsers = 0;
/** One browser on its own client address, at the provider's routes; `state` is what OpenAuth would keep for it. */
function signIn(options: { limits?: SignInLimits; env?: unknown; accounts?: AccountsStore; sendCode?: (email: string, code: string) => Promise<void> } = {}) {
  const mailed: { email: string; code: string }[] = [];
  const state = new Map<string, { value: unknown; maxAge: number }>();
  const succeeded: unknown[] = [];
  const routes = new Hono();
  const ctx: Pick<ProviderOptions<{ email: string }>, "set" | "get" | "unset" | "success" | "forward"> = {
    set: async (_c, key, maxAge, value) => void state.set(key, { value, maxAge }),
    get: async <T>(_c: unknown, key: string) => state.get(key)?.value as T,
    unset: async (_c, key) => void state.delete(key),
    success: async (_c, properties) => {
      succeeded.push(properties);
      return new Response(null, { status: 302, headers: { location: `${STOREFRONT}/auth/callback?code=issued` } });
    },
    forward: (_c, response) => response,
  };
  emailCodeProvider({
    accounts: options.accounts ?? accounts,
    storefrontUrl: STOREFRONT,
    sendCode: options.sendCode ?? (async (email, code) => void mailed.push({ email, code })),
    ...(options.limits ? { limits: options.limits } : {}),
  }).init(routes, ctx as ProviderOptions<{ email: string }>);
  const address = `198.51.100.${++browsers}`;
  const env = options.env ?? { incoming: { socket: { remoteAddress: address } } };
  const go = async (form?: Record<string, string>) => {
    const response = await routes.fetch(
      new Request("http://issuer.test/authorize", form ? { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() } : {}),
      env,
    );
    return { status: response.status, html: await response.text(), headers: response.headers };
  };
  return { go, mailed, state, succeeded, step: () => state.get("provider")?.value };
}

const unique = () => `shopper-${Math.random().toString(36).slice(2, 10)}@example.com`;
const tight = (over: Partial<SignInLimits>): SignInLimits => ({
  requestsPerEmail: { limit: 100, windowSeconds: 900 },
  requestsPerClient: { limit: 100, windowSeconds: 900 },
  guessesPerEmail: { limit: 100, windowSeconds: 900 },
  guessesPerClient: { limit: 100, windowSeconds: 900 },
  ...over,
});

/** The wait as the page words it: whole minutes, rounded up, at least one. */
const waitMessage = (retryAfterSeconds: number) => {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
};

describe("emailCodeProvider", () => {
  it("asks for an email, mails a code to its normal spelling, and signs in with it once", async () => {
    const b = signIn();
    const start = await b.go();
    expect(start.status).toBe(200);
    expect(start.html).toContain('name="email"');
    expect(b.state.get("provider")).toEqual({ value: { step: "email" }, maxAge: 15 * 60 });

    const email = unique();
    const codePage = await b.go({ action: "request", email: `  ${email.toUpperCase()} ` });
    expect(codePage.status).toBe(200);
    expect(codePage.html).toContain(`<strong>${email}</strong>`);
    expect(codePage.html).not.toContain("We sent a new code");
    expect(b.mailed).toEqual([{ email, code: expect.stringMatching(/^\d{6}$/) }]);
    expect(b.step()).toEqual({ step: "code", email });

    const done = await b.go({ action: "verify", code: ` ${b.mailed[0]!.code} ` });
    expect(done.status).toBe(302);
    expect(b.succeeded).toEqual([{ email }]);
    expect(b.state.has("provider")).toBe(false);
  });

  it("resends a new code, and only the newest one works", async () => {
    const b = signIn();
    await b.go();
    const email = unique();
    await b.go({ action: "request", email });
    const resent = await b.go({ action: "resend" });
    expect(resent.status).toBe(200);
    expect(resent.html).toContain("We sent a new code");
    expect(b.mailed.map((m) => m.email)).toEqual([email, email]);
    const [old, latest] = b.mailed.map((m) => m.code);
    if (old !== latest) {
      const refused = await b.go({ action: "verify", code: old! });
      expect(refused.status).toBe(400);
      expect(refused.html).toContain("That code is not right");
    }
    expect((await b.go({ action: "verify", code: latest! })).status).toBe(302);
    expect(b.succeeded).toEqual([{ email }]);
  });

  it("starts over with another email", async () => {
    const b = signIn();
    await b.go();
    await b.go({ action: "request", email: unique() });
    const restarted = await b.go({ action: "restart" });
    expect(restarted.status).toBe(200);
    expect(restarted.html).toContain('name="email"');
    expect(b.step()).toEqual({ step: "email" });
    // With the state back at the email step, a code is not asked for.
    expect((await b.go({ action: "verify", code: "123456" })).status).toBe(400);
    expect(b.succeeded).toEqual([]);
  });

  it("refuses an email that is not one, a code that is not 6 digits, and a wrong code, each with 400 and a message", async () => {
    const b = signIn();
    await b.go();
    const notEmail = await b.go({ action: "request", email: "not-an-email" });
    expect(notEmail.status).toBe(400);
    expect(notEmail.html).toContain("Enter an email address like name@example.com.");
    expect(notEmail.html).toContain('value="not-an-email"');
    expect(b.mailed).toEqual([]);

    await b.go({ action: "request", email: unique() });
    for (const code of ["12345", "1234567", "abcdef", ""]) {
      const badFormat = await b.go({ action: "verify", code });
      expect(badFormat.status).toBe(400);
      expect(badFormat.html).toContain("Enter the 6 digits from the email.");
    }
    const right = b.mailed[0]!.code;
    const wrong = right === "000000" ? "111111" : "000000";
    const refused = await b.go({ action: "verify", code: wrong });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("That code is not right. Check the latest email and try again.");
    expect(b.succeeded).toEqual([]);
  });

  it("kills the code after too many wrong guesses, and says so; a used code says expired", async () => {
    const b = signIn();
    await b.go();
    await b.go({ action: "request", email: unique() });
    const right = b.mailed[0]!.code;
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await b.go({ action: "verify", code: wrong });
    const dead = await b.go({ action: "verify", code: right });
    expect(dead.status).toBe(400);
    expect(dead.html).toContain("Too many wrong codes. Send a new code and use that one.");

    const c = signIn();
    await c.go();
    const email = unique();
    await c.go({ action: "request", email });
    const code = c.mailed[0]!.code;
    expect((await c.go({ action: "verify", code })).status).toBe(302);
    // Another browser replays the same code for the same email.
    c.state.set("provider", { value: { step: "code", email }, maxAge: 900 });
    const replay = await c.go({ action: "verify", code });
    expect(replay.status).toBe(400);
    expect(replay.html).toContain("That code has expired or was already used. Send a new code.");
  });

  it("answers 400 with a problem page when its state has expired, and to an unknown action", async () => {
    const b = signIn();
    const expired = await b.go({ action: "request", email: unique() });
    expect(expired.status).toBe(400);
    expect(expired.html).toContain("Your sign-in session has expired.");
    expect(b.mailed).toEqual([]);

    await b.go();
    const unknown = await b.go({ action: "something" });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('name="email"');
    const noEmail = await b.go({ action: "request" });
    expect(noEmail.status).toBe(400);
    expect(noEmail.html).toContain("Enter an email address like name@example.com.");
    expect(noEmail.html).toMatch(/name="email"[^>]*value=""/);
    await b.go({ action: "request", email: unique() });
    // On the code step, an unknown action is not taken for a code: the email form again.
    for (const form of [{ action: "something" }, {}] as Record<string, string>[]) {
      const response = await b.go(form);
      expect(response.status).toBe(400);
      expect(response.html).toContain('name="email"');
      expect(response.html).not.toContain("Enter the 6 digits");
    }
    const noCode = await b.go({ action: "verify" });
    expect(noCode.status).toBe(400);
    expect(noCode.html).toContain("Enter the 6 digits from the email.");
  });

  it("rate-limits code requests with 429, Retry-After and the wait in minutes, mailing nothing more", async () => {
    // A day's window: the second request cannot fall into a fresh window (fixed windows) in practice.
    const b = signIn({ limits: tight({ requestsPerEmail: { limit: 1, windowSeconds: 86_400 } }) });
    await b.go();
    const email = unique();
    expect((await b.go({ action: "request", email })).status).toBe(200);
    const limited = await b.go({ action: "resend" });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(limited.html).toContain(waitMessage(retryAfter));
    // Still on the code step for the same email.
    expect(limited.html).toContain(`<strong>${email}</strong>`);
    expect(b.mailed).toHaveLength(1);
    expect(b.step()).toEqual({ step: "code", email });

    // Refused on the email step (a limit of 0 refuses the first request): the email form again, with the address kept.
    const other = signIn({ limits: tight({ requestsPerClient: { limit: 0, windowSeconds: 60 } }) });
    await other.go();
    const again = unique();
    const onEmailStep = await other.go({ action: "request", email: again });
    expect(onEmailStep.status).toBe(429);
    expect(onEmailStep.html).toContain("Too many attempts. Try again in 1 minute.");
    expect(onEmailStep.html).toContain(`value="${again}"`);
    expect(other.mailed).toEqual([]);
    expect(other.step()).toEqual({ step: "email" });
  });

  it("rate-limits guesses with 429 and Retry-After, before checking the code", async () => {
    const b = signIn({ limits: tight({ guessesPerEmail: { limit: 0, windowSeconds: 86_400 } }) });
    await b.go();
    await b.go({ action: "request", email: unique() });
    const limited = await b.go({ action: "verify", code: b.mailed[0]!.code });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.html).toContain(waitMessage(retryAfter));
    expect(limited.html).toContain('name="code"');
    expect(b.succeeded).toEqual([]);
  });

  it("lets a failure that is not a rate limit through (a 500), never dressed up as one", async () => {
    const mailFails = signIn({
      sendCode: async () => {
        throw new Error("SES is down");
      },
    });
    await mailFails.go();
    expect((await mailFails.go({ action: "request", email: unique() })).status).toBe(500);

    const noTable = signIn({ accounts: { db: u.store.db, tables: { accounts: "no-such-table", rateLimits: u.store.tables.rateLimits } } });
    noTable.state.set("provider", { value: { step: "code", email: unique() }, maxAge: 900 });
    const verify = await noTable.go({ action: "verify", code: "123456" });
    expect(verify.status).toBe(500);
    expect(noTable.succeeded).toEqual([]);
  });

  it("counts a client by the address Lambda reports, and an IPv6 client by its /64", async () => {
    const lambda = (sourceIp: string) => ({ env: { event: { requestContext: { http: { sourceIp } } }, incoming: { socket: { remoteAddress: "10.0.0.1" } } } });
    const addressOf = (env: unknown) => clientAddressOf({ env } as Parameters<typeof clientAddressOf>[0]);
    expect(addressOf(lambda("203.0.113.9").env)).toBe("203.0.113.9");
    expect(addressOf({ incoming: { socket: { remoteAddress: "::ffff:198.51.100.7" } } })).toBe("198.51.100.7");
    expect(addressOf(lambda("2001:db8:1:2:3:4:5:6").env)).toBe("2001:db8:1:2::/64");
    expect(addressOf(undefined)).toBe("unknown");
    expect(addressOf({ event: { requestContext: {} }, incoming: {} })).toBe("unknown");
    expect(addressOf({ event: { requestContext: { http: {} } }, incoming: { socket: {} } })).toBe("unknown");
    expect(addressOf({ event: { requestContext: { http: { sourceIp: "not an address" } } } })).toBe("not an address");
    // An event without a request context (a direct invoke) or without an address is not a crash.
    expect(addressOf({ event: {}, incoming: { socket: { remoteAddress: "198.51.100.8" } } })).toBe("198.51.100.8");
    expect(addressOf({ event: { requestContext: { http: {} } } })).toBe("unknown");

    // Two IPv6 addresses in one /64 share the per-client request limit.
    const limits = tight({ requestsPerClient: { limit: 1, windowSeconds: 900 } });
    const first = signIn({ limits, ...lambda("2001:db8:aa:bb::1") });
    const second = signIn({ limits, ...lambda("2001:db8:aa:bb::2") });
    await first.go();
    await second.go();
    expect((await first.go({ action: "request", email: unique() })).status).toBe(200);
    expect((await second.go({ action: "request", email: unique() })).status).toBe(429);
  });
});
