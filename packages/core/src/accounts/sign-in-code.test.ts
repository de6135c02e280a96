// Sign-in codes on DynamoDB Local: they expire, are single-use (also under a race), die after
// their attempts, replace each other, and requests and guesses are rate-limited per email and
// per client address. Customers: one id per email, random, stable across sign-ins and races.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import { RateLimited } from "../shared/domain-error";
import { customerIdFor, principalForVerifiedEmail } from "./customer-account";
import { defaultSignInLimits, issueSignInCode, SIGN_IN_CODE, verifySignInCode, type AccountsStore, type SignInLimits } from "./sign-in-code";

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
    const { GetCommand } = await import("@aws-sdk/lib-dynamodb");
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
