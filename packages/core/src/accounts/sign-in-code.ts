// Passwordless sign-in codes, kept server-side (OpenAuth's own code provider keeps the code in an
// encrypted cookie: no expiry of its own, replayable, unlimited guesses). One pending code per
// email, stored as a hash; it expires, dies after MAX_ATTEMPTS wrong guesses, and is spent by the
// one verification whose conditional delete removes it, so two racing uses cannot both win.
// Requests and guesses are also rate-limited per email and per client address.
import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../shared/dynamodb-errors";
import { consumeRateLimit, type RateLimit, type RateLimitStore } from "../shared/rate-limit";
import { normalizeEmail } from "./principal";

export const SIGN_IN_CODE = {
  digits: 6,
  ttlSeconds: 10 * 60,
  /** Wrong guesses a code survives; 5 guesses at a 6-digit code: a 1 in 200,000 chance. */
  maxAttempts: 5,
} as const;

/** Per-window allowances for code requests and guesses, by email and by client address. */
export interface SignInLimits {
  requestsPerEmail: RateLimit;
  requestsPerClient: RateLimit;
  guessesPerEmail: RateLimit;
  guessesPerClient: RateLimit;
}

export const defaultSignInLimits: SignInLimits = {
  requestsPerEmail: { limit: 5, windowSeconds: 15 * 60 },
  requestsPerClient: { limit: 30, windowSeconds: 15 * 60 },
  guessesPerEmail: { limit: 10, windowSeconds: 15 * 60 },
  guessesPerClient: { limit: 50, windowSeconds: 15 * 60 },
};

export interface AccountsStore {
  readonly db: DynamoDBDocumentClient;
  readonly tables: { readonly accounts: string; readonly rateLimits: string };
}

export type CodeCheck = { ok: true; email: string } | { ok: false; reason: "wrong_code" | "expired_or_used" | "too_many_attempts" };

const codeKey = (email: string) => `code#${email}`;

function codeHash(email: string, code: string): string {
  return createHash("sha256").update(`${email}\n${code}`).digest("base64url");
}

function rateLimitStore(store: AccountsStore): RateLimitStore {
  return { db: store.db, tables: { rateLimits: store.tables.rateLimits } };
}

/**
 * Makes a new code for `email` (replacing any pending one) and returns it for mailing. Throws
 * RateLimited when the email or the client asked too often.
 */
export async function issueSignInCode(
  store: AccountsStore,
  input: { email: string; clientAddress: string },
  limits: SignInLimits = defaultSignInLimits,
  now = new Date(),
): Promise<{ email: string; code: string; expiresAt: Date }> {
  const email = normalizeEmail(input.email);
  await consumeRateLimit(rateLimitStore(store), "signin-request-client", input.clientAddress, limits.requestsPerClient, now);
  await consumeRateLimit(rateLimitStore(store), "signin-request-email", email, limits.requestsPerEmail, now);
  const code = String(randomInt(0, 10 ** SIGN_IN_CODE.digits)).padStart(SIGN_IN_CODE.digits, "0");
  const expiresAt = Math.floor(now.getTime() / 1000) + SIGN_IN_CODE.ttlSeconds;
  await store.db.send(
    new PutCommand({
      TableName: store.tables.accounts,
      Item: { id: codeKey(email), codeHash: codeHash(email, code), attempts: 0, expiresAt },
    }),
  );
  return { email, code, expiresAt: new Date(expiresAt * 1000) };
}

/**
 * Checks a guess. Every guess counts against the code (a conditional ADD: past MAX_ATTEMPTS, or
 * expired, the code no longer answers) and against the rate limits; a right guess deletes the code
 * conditionally on its hash, so it signs in once.
 */
export async function verifySignInCode(
  store: AccountsStore,
  input: { email: string; code: string; clientAddress: string },
  limits: SignInLimits = defaultSignInLimits,
  now = new Date(),
): Promise<CodeCheck> {
  const email = normalizeEmail(input.email);
  await consumeRateLimit(rateLimitStore(store), "signin-guess-client", input.clientAddress, limits.guessesPerClient, now);
  await consumeRateLimit(rateLimitStore(store), "signin-guess-email", email, limits.guessesPerEmail, now);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let record: Record<string, unknown> | undefined;
  try {
    const counted = await store.db.send(
      new UpdateCommand({
        TableName: store.tables.accounts,
        Key: { id: codeKey(email) },
        UpdateExpression: "ADD attempts :one",
        ConditionExpression: "attribute_exists(id) AND attempts < :max AND expiresAt > :now",
        ExpressionAttributeValues: { ":one": 1, ":max": SIGN_IN_CODE.maxAttempts, ":now": nowSeconds },
        ReturnValues: "ALL_NEW",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    record = counted.Attributes;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The document client leaves the failed condition's item in the wire format ({ N: "5" }).
    const old = (error as { Item?: Record<string, { N?: string } | undefined> }).Item;
    const numberOf = (name: string) => Number(old?.[name]?.N ?? Number.NaN);
    const exhausted = numberOf("attempts") >= SIGN_IN_CODE.maxAttempts && numberOf("expiresAt") > nowSeconds;
    return { ok: false, reason: exhausted ? "too_many_attempts" : "expired_or_used" };
  }
  const expected = Buffer.from(String(record?.codeHash ?? ""));
  const given = Buffer.from(codeHash(email, input.code.trim()));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    const left = SIGN_IN_CODE.maxAttempts - Number(record?.attempts ?? SIGN_IN_CODE.maxAttempts);
    return { ok: false, reason: left > 0 ? "wrong_code" : "too_many_attempts" };
  }
  try {
    await store.db.send(
      new DeleteCommand({
        TableName: store.tables.accounts,
        Key: { id: codeKey(email) },
        ConditionExpression: "codeHash = :hash",
        ExpressionAttributeValues: { ":hash": record?.codeHash },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { ok: false, reason: "expired_or_used" };
    throw error;
  }
  return { ok: true, email };
}
