// Sign-in codes on DynamoDB Local: they expire, are single-use (also under a race), die after
// their attempts, replace each other, and requests and guesses are rate-limited per email and
// per client address. Customers: one id per email, random, stable across sign-ins and races.
import { randomInt } from "node:crypto";
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import { RateLimited } from "../shared/domain-error";
import { customerIdFor, principalForVerifiedEmail } from "./customer-account";
import { defaultSignInLimits, issueSignInCode, SIGN_IN_CODE, verifySignInCode, type AccountsStore, type SignInLimits } from "./sign-in-code";

// The code generator stays the real CSPRNG; a test may pin one draw to check how it is written.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, randomInt: vi.fn(actual.randomInt) };
});

let u: UnitStore;
let store: AccountsStore;
let n = 0;
const freshEmail = () => `Shopper.${Date.now()}.${++n}@Example.com`;
const client = () => `198.51.100.${++n % 250}`;
const generous: SignInLimits = {
  requestsPerEmail: { limit: 1000, windowSeconds: 60 },
  requestsPerClient: { limit: 1000, windowSeconds: 60 },
  guessesPerEmail: { limit: 1000, windowSeconds: 60 },
  guessesPerClient: { limit: 1000, windowSeconds: 60 },
};

beforeAll(async () => {
  u = await createUnitStore();
  const accounts = u.accounts.tables.accounts;
  store = { db: u.store.db, tables: { accounts, rateLimits: u.store.tables.rateLimits } };
});
afterAll(() => u?.destroy());

/** The store with its client wrapped: `around` sees each command first and may answer it itself. */
function intercepted(around: (command: unknown, send: (command: unknown) => Promise<unknown>) => Promise<unknown>): AccountsStore {
  const send = (command: unknown) => store.db.send(command as never) as Promise<unknown>;
  return { ...store, db: { send: (command: unknown) => around(command, send) } as unknown as DynamoDBDocumentClient };
}

const outage = () => Object.assign(new Error("DynamoDB is unavailable"), { name: "InternalServerError" });

const wrongCodeFor = (code: string) => String((Number(code) + 1) % 10 ** SIGN_IN_CODE.digits).padStart(SIGN_IN_CODE.digits, "0");

describe("sign-in codes", () => {
  it("signs in once with the right code, for the normalized email", async () => {
    const email = freshEmail();
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    expect(issued.code).toMatch(/^\d{6}$/);
    expect(issued.email).toBe(email.toLowerCase());
    await expect(verifySignInCode(store, { email: ` ${email.toUpperCase()} `, code: issued.code, clientAddress: client() }, generous)).resolves.toEqual({
      ok: true,
      email: email.toLowerCase(),
    });
    // Single use.
    await expect(verifySignInCode(store, { email, code: issued.code, clientAddress: client() }, generous)).resolves.toEqual({ ok: false, reason: "expired_or_used" });
  });

  it("stores only a hash of the code", async () => {
    const email = freshEmail();
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    const { Item } = await store.db.send(new GetCommand({ TableName: store.tables.accounts, Key: { id: `code#${issued.email}` } }));
    expect(JSON.stringify(Item)).not.toContain(issued.code);
  });

  it("lets exactly one of many concurrent right guesses sign in", async () => {
    const email = freshEmail();
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    const results = await Promise.all(Array.from({ length: 4 }, () => verifySignInCode(store, { email, code: issued.code, clientAddress: client() }, generous)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("refuses a code after it expires", async () => {
    const email = freshEmail();
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    const later = new Date(Date.now() + (SIGN_IN_CODE.ttlSeconds + 1) * 1000);
    await expect(verifySignInCode(store, { email, code: issued.code, clientAddress: client() }, generous, later)).resolves.toEqual({ ok: false, reason: "expired_or_used" });
  });

  it(`kills a code after ${SIGN_IN_CODE.maxAttempts} wrong guesses, even if the next guess is right`, async () => {
    const email = freshEmail();
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    const reasons = [];
    for (let i = 0; i < SIGN_IN_CODE.maxAttempts; i++) {
      reasons.push(await verifySignInCode(store, { email, code: wrongCodeFor(issued.code), clientAddress: client() }, generous));
    }
    expect(reasons.slice(0, -1).every((r) => !r.ok && r.reason === "wrong_code")).toBe(true);
    expect(reasons.at(-1)).toEqual({ ok: false, reason: "too_many_attempts" });
    await expect(verifySignInCode(store, { email, code: issued.code, clientAddress: client() }, generous)).resolves.toEqual({ ok: false, reason: "too_many_attempts" });
  });

  it("a new code replaces the pending one; codes are per email", async () => {
    const email = freshEmail();
    const first = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    let second = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    while (second.code === first.code) second = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    expect((await verifySignInCode(store, { email, code: first.code, clientAddress: client() }, generous)).ok).toBe(false);
    expect((await verifySignInCode(store, { email: freshEmail(), code: second.code, clientAddress: client() }, generous)).ok).toBe(false);
    expect((await verifySignInCode(store, { email, code: second.code, clientAddress: client() }, generous)).ok).toBe(true);
  });

  it("writes a code as six digits, leading zeros kept, and signs in with it", async () => {
    const email = freshEmail();
    vi.mocked(randomInt).mockReturnValueOnce(42 as never);
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    expect(randomInt).toHaveBeenLastCalledWith(0, 1_000_000);
    expect(issued.code).toBe("000042");
    await expect(verifySignInCode(store, { email, code: "000042", clientAddress: client() }, generous)).resolves.toEqual({ ok: true, email: issued.email });
  });

  it("says when the code expires: ten minutes after it was issued, and from that second on it is refused", async () => {
    const email = freshEmail();
    const now = new Date("2026-11-30T12:00:00.750Z");
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous, now);
    expect(issued.expiresAt).toEqual(new Date("2026-11-30T12:10:00.000Z"));
    await expect(verifySignInCode(store, { email, code: issued.code, clientAddress: client() }, generous, issued.expiresAt)).resolves.toEqual({ ok: false, reason: "expired_or_used" });
  });

  it("answers an exhausted code that has since expired as expired, not as too many attempts", async () => {
    for (const late of [0, 60]) {
      const email = freshEmail();
      const now = new Date("2026-11-30T12:00:00.000Z");
      const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous, now);
      for (let i = 0; i < SIGN_IN_CODE.maxAttempts; i++) await verifySignInCode(store, { email, code: wrongCodeFor(issued.code), clientAddress: client() }, generous, now);
      await expect(verifySignInCode(store, { email, code: issued.code, clientAddress: client() }, generous, now)).resolves.toEqual({ ok: false, reason: "too_many_attempts" });
      const then = new Date(issued.expiresAt.getTime() + late * 1000);
      await expect(verifySignInCode(store, { email, code: issued.code, clientAddress: client() }, generous, then)).resolves.toEqual({ ok: false, reason: "expired_or_used" });
    }
  });

  it("accepts a pasted code with whitespace around it", async () => {
    const email = freshEmail();
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    await expect(verifySignInCode(store, { email, code: ` ${issued.code}\n`, clientAddress: client() }, generous)).resolves.toEqual({ ok: true, email: issued.email });
  });

  it("lets exactly one of two right guesses that both passed the check spend the code; the other is told it is used", async () => {
    const email = freshEmail();
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    // Both guesses are counted and compared before either deletes the code.
    let release!: () => void;
    const bothChecked = new Promise<void>((resolve) => (release = resolve));
    let deletes = 0;
    const racing = intercepted(async (command, send) => {
      if (command instanceof DeleteCommand) {
        if (++deletes === 2) release();
        await bothChecked;
      }
      return send(command);
    });
    const results = await Promise.all([0, 1].map(() => verifySignInCode(racing, { email, code: issued.code, clientAddress: client() }, generous)));
    expect(deletes).toBe(2);
    expect(results).toEqual(expect.arrayContaining([{ ok: true, email: issued.email }, { ok: false, reason: "expired_or_used" }]));
  });

  it("passes a store failure through instead of answering it as a refused code", async () => {
    const email = freshEmail();
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, generous);
    const missingTable = { ...store, tables: { ...store.tables, accounts: `${store.tables.accounts}-missing` } };
    await expect(verifySignInCode(missingTable, { email, code: issued.code, clientAddress: client() }, generous)).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    const failure = outage();
    const failingSpend = intercepted((command, send) => (command instanceof DeleteCommand ? Promise.reject(failure) : send(command)));
    await expect(verifySignInCode(failingSpend, { email, code: issued.code, clientAddress: client() }, generous)).rejects.toBe(failure);
  });

  it("counts requests and guesses under their own scopes, per client address and per email", async () => {
    const email = freshEmail();
    const address = `${client()}-scopes`;
    const now = new Date("2026-11-30T12:00:30.000Z");
    const issued = await issueSignInCode(store, { email, clientAddress: address }, generous, now);
    await verifySignInCode(store, { email, code: wrongCodeFor(issued.code), clientAddress: address }, generous, now);
    const windowStart = Math.floor(now.getTime() / 1000 / 60) * 60;
    for (const key of [`signin-request-client#${address}`, `signin-request-email#${issued.email}`, `signin-guess-client#${address}`, `signin-guess-email#${issued.email}`]) {
      const { Item } = await store.db.send(new GetCommand({ TableName: store.tables.rateLimits, Key: { id: `${key}#${windowStart}` }, ConsistentRead: true }));
      // At least one: under load the SDK may resend an ADD whose answer was slow (a known overcount).
      expect(Number(Item?.hits), key).toBeGreaterThanOrEqual(1);
    }
  });

  it("rate-limits code requests per email and per client address", async () => {
    const email = freshEmail();
    const address = client();
    for (let i = 0; i < defaultSignInLimits.requestsPerEmail.limit; i++) await issueSignInCode(store, { email, clientAddress: `${address}-${i}` });
    await expect(issueSignInCode(store, { email, clientAddress: `${address}-x` })).rejects.toBeInstanceOf(RateLimited);
    const limits: SignInLimits = { ...generous, requestsPerClient: { limit: 3, windowSeconds: 60 } };
    const ip = `${client()}-c`;
    for (let i = 0; i < 3; i++) await issueSignInCode(store, { email: freshEmail(), clientAddress: ip }, limits);
    await expect(issueSignInCode(store, { email: freshEmail(), clientAddress: ip }, limits)).rejects.toBeInstanceOf(RateLimited);
  });

  it("rate-limits guesses per email (across codes) and per client address", async () => {
    const limits: SignInLimits = { ...generous, guessesPerEmail: { limit: 3, windowSeconds: 60 } };
    const email = freshEmail();
    for (let i = 0; i < 3; i++) {
      const issued = await issueSignInCode(store, { email, clientAddress: client() }, limits);
      await verifySignInCode(store, { email, code: wrongCodeFor(issued.code), clientAddress: client() }, limits);
    }
    const issued = await issueSignInCode(store, { email, clientAddress: client() }, limits);
    await expect(verifySignInCode(store, { email, code: issued.code, clientAddress: client() }, limits)).rejects.toBeInstanceOf(RateLimited);
    const perClient: SignInLimits = { ...generous, guessesPerClient: { limit: 2, windowSeconds: 60 } };
    const ip = `${client()}-g`;
    for (let i = 0; i < 2; i++) await verifySignInCode(store, { email: freshEmail(), code: "000000", clientAddress: ip }, perClient);
    await expect(verifySignInCode(store, { email: freshEmail(), code: "000000", clientAddress: ip }, perClient)).rejects.toBeInstanceOf(RateLimited);
  });
});

describe("customer accounts", () => {
  it("gives an email one random customer id, the same on every sign-in and under a race", async () => {
    const email = freshEmail();
    const ids = await Promise.all(Array.from({ length: 5 }, () => customerIdFor(store, email)));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^cus_[0-9a-z]{26}$/);
    await expect(customerIdFor(store, email.toUpperCase())).resolves.toBe(ids[0]);
    await expect(customerIdFor(store, freshEmail())).resolves.not.toBe(ids[0]);
  });

  it("adds the operator role only for allowlisted emails", async () => {
    const operator = freshEmail();
    const allowlist = new Set([operator.toLowerCase()]);
    await expect(principalForVerifiedEmail(store, operator, allowlist)).resolves.toMatchObject({ email: operator.toLowerCase(), roles: ["customer", "operator"] });
    await expect(principalForVerifiedEmail(store, freshEmail(), allowlist)).resolves.toMatchObject({ roles: ["customer"] });
  });
});
