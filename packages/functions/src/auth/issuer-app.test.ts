// The issuer app end to end in-process (its Hono fetch, real OpenAuth, real DynamoDB Local for
// OpenAuth's storage, the accounts and the rate limits): the email-code flow to a token the
// verifier accepts, and everything it refuses: foreign clients and redirect URIs, no PKCE,
// implicit flow, wrong and reused codes, cross-site posts, the other spelling of its host; and
// its logs: structured, and never a code, state or token.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoStorage } from "@openauthjs/openauth/storage/dynamo";
import type { Hono } from "hono";
import { auth } from "@shopwave/infra/topology";
import { createTables } from "@shopwave/local/aws/create-tables";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import type { AccountsStore } from "@shopwave/core/accounts/sign-in-code";
import { createOpenAuthTokenVerifier } from "./openauth-token-verifier";
import { createIssuerApp } from "./issuer-app";

const ISSUER = "http://127.0.0.1:3902";
const STOREFRONT = "http://localhost:3900";
const CALLBACK = `${STOREFRONT}${auth.callbackPath}`;

let u: UnitStore;
let app: Hono;
let storageTable: string;
const mailed: { email: string; code: string }[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  u = await createUnitStore();
  const endpoint = inject("dynamoDbEndpoint")!;
  storageTable = `unit-${randomBytes(4).toString("hex")}-${auth.storage.resource}`;
  await createTables(new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } }), [auth.storage], () => storageTable);
  // OpenAuth's DynamoStorage signs its requests with these (aws4fetch).
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local", AWS_REGION: "us-east-1" });
  const accounts: AccountsStore = u.accounts;
  app = createIssuerApp({
    accounts,
    storefrontUrl: STOREFRONT,
    operatorEmails: new Set(["boss@example.com"]),
    issuerUrl: ISSUER,
    storage: DynamoStorage({ table: storageTable, endpoint }),
    sendCode: async (email, code) => {
      mailed.push({ email, code });
    },
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await u?.destroy();
});

/** A browser: a cookie jar and requests to the issuer app, redirects not followed. */
function browser(address = "198.51.100.20", target?: Hono) {
  const jar = new Map<string, string>();
  return async (path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; url?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    if (init.form) headers.set("content-type", "application/x-www-form-urlencoded");
    const response = await (target ?? app).fetch(
      new Request(init.url ?? `${ISSUER}${path}`, { method: init.method ?? (init.form ? "POST" : "GET"), headers, ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}) }),
      { incoming: { socket: { remoteAddress: address } } },
    );
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = pair!.split("=");
      if (/max-age=0/i.test(cookie)) jar.delete(name!);
      else jar.set(name!, value.join("="));
    }
    return response;
  };
}

function pkce() {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizePath(overrides: Record<string, string | undefined> = {}, challenge = pkce().challenge) {
  const params: Record<string, string | undefined> = {
    client_id: auth.clientId,
    redirect_uri: CALLBACK,
    response_type: "code",
    state: randomBytes(18).toString("base64url"),
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...overrides,
  };
  return `/authorize?${new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString()}`;
}

async function signIn(email: string, address?: string, target?: Hono) {
  const go = browser(address, target);
  const { verifier, challenge } = pkce();
  const state = randomBytes(18).toString("base64url");
  const start = await go(authorizePath({ state }, challenge));
  expect(start.status).toBe(302);
  const page = await go(new URL(start.headers.get("location")!, ISSUER).pathname);
  expect(await page.text()).toContain('name="email"');
  const codePage = await go("/code/authorize", { form: { action: "request", email } });
  expect(codePage.status).toBe(200);
  const code = mailed.at(-1)!;
  expect(code.email).toBe(email.toLowerCase());
  const done = await go("/code/authorize", { form: { action: "verify", code: code.code } });
  expect(done.status).toBe(302);
  const callback = new URL(done.headers.get("location")!);
  expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
  expect(callback.searchParams.get("state")).toBe(state);
  const tokenResponse = await go("/token", {
    form: { grant_type: "authorization_code", code: callback.searchParams.get("code")!, redirect_uri: CALLBACK, client_id: auth.clientId, code_verifier: verifier },
  });
  return { go, tokenResponse, code: code.code, callback, state, pkce: { verifier, challenge } };
}

const verifier = () =>
  createOpenAuthTokenVerifier({
    issuerUrl: ISSUER,
    clientId: auth.clientId,
    fetch: ((input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(String(input), init))) as typeof fetch,
  });

describe("the sign-in issuer", () => {
  it("signs in by emailed code: the token names the customer, the verified email and the roles", async () => {
    const { tokenResponse } = await signIn("Ada@Example.com");
    expect(tokenResponse.status).toBe(200);
    const tokens = (await tokenResponse.json()) as { access_token: string; refresh_token: string; expires_in: number };
    expect(tokens.expires_in).toBeLessThanOrEqual(15 * 60);
    const principal = await verifier().verify(tokens.access_token);
    expect(principal).toEqual({ customerId: expect.stringMatching(/^cus_/), email: "ada@example.com", roles: ["customer"] });
    // Signing in again (another device) is the same customer.
    const again = await signIn("ada@example.com");
    const second = await verifier().verify(((await again.tokenResponse.json()) as { access_token: string }).access_token);
    expect(second.customerId).toBe(principal.customerId);
  });

  it("adds the operator role for an allowlisted email", async () => {
    const { tokenResponse } = await signIn("boss@example.com");
    const principal = await verifier().verify(((await tokenResponse.json()) as { access_token: string }).access_token);
    expect(principal.roles).toEqual(["customer", "operator"]);
  });

  it("refreshes: a refresh token gives a new access token", async () => {
    const { go, tokenResponse } = await signIn("refresh@example.com");
    const tokens = (await tokenResponse.json()) as { refresh_token: string };
    const refreshed = await go("/token", { form: { grant_type: "refresh_token", refresh_token: tokens.refresh_token } });
    expect(refreshed.status).toBe(200);
    await expect(verifier().verify(((await refreshed.json()) as { access_token: string }).access_token)).resolves.toMatchObject({ email: "refresh@example.com" });
  });

  it("exchanges an authorization code once, and only with the PKCE verifier", async () => {
    const go = browser();
    const { challenge } = pkce();
    const start = await go(authorizePath({}, challenge));
    await go(new URL(start.headers.get("location")!, ISSUER).pathname);
    await go("/code/authorize", { form: { action: "request", email: "pkce@example.com" } });
    const done = await go("/code/authorize", { form: { action: "verify", code: mailed.at(-1)!.code } });
    const code = new URL(done.headers.get("location")!).searchParams.get("code")!;
    const wrong = await go("/token", { form: { grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: auth.clientId, code_verifier: pkce().verifier } });
    expect(wrong.status).toBe(400);
    // The failed attempt spent the code (OpenAuth removes it before checking).
    const replay = await go("/token", { form: { grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: auth.clientId, code_verifier: "x".repeat(64) } });
    expect(replay.status).toBe(400);
  });

  it.each([
    ["another client id", { client_id: "evil" }],
    ["another redirect URI", { redirect_uri: "http://localhost:4000/auth/callback" }],
    ["a look-alike redirect URI", { redirect_uri: `${CALLBACK}/../../steal` }],
    ["the implicit flow", { response_type: "token" }],
    ["no PKCE", { code_challenge: undefined, code_challenge_method: undefined }],
    ["a plain PKCE challenge", { code_challenge_method: "plain" }],
    ["no state", { state: undefined }],
  ])("refuses %s at /authorize with a page, never a redirect", async (_name, overrides) => {
    const response = await browser()(authorizePath(overrides));
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("not valid");
  });

  it("refuses a wrong code, then kills the code after its attempts; a used code does not work twice", async () => {
    const go = browser("198.51.100.21");
    const start = await go(authorizePath());
    await go(new URL(start.headers.get("location")!, ISSUER).pathname);
    await go("/code/authorize", { form: { action: "request", email: "guess@example.com" } });
    const right = mailed.at(-1)!.code;
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    const first = await go("/code/authorize", { form: { action: "verify", code: wrong } });
    expect(first.status).toBe(400);
    expect(await first.text()).toContain("not right");
    for (let i = 0; i < 4; i++) await go("/code/authorize", { form: { action: "verify", code: wrong } });
    const afterLimit = await go("/code/authorize", { form: { action: "verify", code: right } });
    expect(afterLimit.status).toBe(400);
    expect(await afterLimit.text()).toContain("Too many wrong codes");
  });

  it("serves its pages with a strict CSP and no other host's assets", async () => {
    const go = browser();
    const start = await go(authorizePath());
    const page = await go(new URL(start.headers.get("location")!, ISSUER).pathname);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain(`form-action 'self' ${STOREFRONT}`);
    expect(csp).not.toContain("unsafe-inline");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\/(?!localhost:3900)/);
    expect(html).not.toContain("<script");
    expect(html).toMatch(/<label for="email">/);
  });

  it("refuses cross-site form posts and answers only on its pinned origin", async () => {
    const go = browser();
    const start = await go(authorizePath());
    await go(new URL(start.headers.get("location")!, ISSUER).pathname);
    const before = mailed.length;
    const crossSite = await go("/code/authorize", { form: { action: "request", email: "csrf@example.com" }, headers: { origin: "https://evil.example" } });
    expect(crossSite.status).toBe(403);
    const fetchMetadata = await go("/code/authorize", { form: { action: "request", email: "csrf@example.com" }, headers: { "sec-fetch-site": "cross-site", origin: "null" } });
    expect(fetchMetadata.status).toBe(403);
    expect(mailed.length).toBe(before);
    const otherHost = await go("/.well-known/jwks.json", { url: "http://localhost:3902/.well-known/jwks.json" });
    expect(otherHost.status).toBe(308);
    expect(otherHost.headers.get("location")).toBe(`${ISSUER}/.well-known/jwks.json`);
  });
});

describe("the sign-in issuer's logs", () => {
  it("are one structured JSON line per request, path only: no code, state, PKCE value or token in anything it prints", async () => {
    const printed: string[] = [];
    const text = (value: unknown) => (typeof value === "string" ? value : value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : (JSON.stringify(value) ?? String(value)));
    const write = (chunk: unknown) => printed.push(text(chunk)) > 0;
    // Before the app is built: OpenAuth's request logger keeps the console.log it finds then.
    for (const method of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(text).join(" ")));
    vi.spyOn(process.stdout, "write").mockImplementation(write);
    vi.spyOn(process.stderr, "write").mockImplementation(write);
    try {
      const logged = createIssuerApp({
        accounts: u.accounts,
        storefrontUrl: STOREFRONT,
        operatorEmails: new Set(),
        issuerUrl: ISSUER,
        storage: DynamoStorage({ table: storageTable, endpoint: inject("dynamoDbEndpoint")! }),
        sendCode: async (email, code) => {
          mailed.push({ email, code });
        },
        log: new Logger({ serviceName: "shopwave", logLevel: "INFO" }),
      });
      const { go, tokenResponse, code, callback, state, pkce: challenge } = await signIn("quiet@example.com", undefined, logged);
      const tokens = (await tokenResponse.json()) as { access_token: string; refresh_token: string };
      const refreshed = (await (await go("/token", { form: { grant_type: "refresh_token", refresh_token: tokens.refresh_token } })).json()) as { access_token: string; refresh_token: string };
      // A wrong code and an unknown state are logged too (as requests), never their values.
      await go("/code/authorize", { form: { action: "verify", code: "000000" } });

      const secrets = {
        code,
        state,
        authorizationCode: callback.searchParams.get("code")!,
        pkceVerifier: challenge.verifier,
        pkceChallenge: challenge.challenge,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        refreshedAccessToken: refreshed.access_token,
        refreshedRefreshToken: refreshed.refresh_token,
      };
      const everything = printed.join("\n");
      for (const [name, value] of Object.entries(secrets)) {
        expect(typeof value === "string" && value.length >= 6, `${name}: ${String(value)}`).toBe(true);
        // The six-digit code as a number of its own (a timestamp may hold the same digits inside a longer run).
        const found = name === "code" ? new RegExp(`(?<!\\d)${value}(?!\\d)`).test(everything) : everything.includes(value);
        expect(found, `${name} in the logs`).toBe(false);
      }
      const lines = printed.flatMap((chunk) => chunk.split("\n")).filter((line) => line.trim() !== "");
      const json = (line: string): Record<string, unknown> | undefined => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      };
      // Nothing unstructured: every line printed is one of the issuer's JSON request lines.
      expect(lines.filter((line) => json(line)?.message !== "issuer request")).toEqual([]);
      const requests = lines.map((line) => json(line)!);
      expect(requests.map((line) => `${line.method} ${line.path} ${line.status}`)).toEqual(
        expect.arrayContaining(["GET /authorize 302", "POST /code/authorize 200", "POST /code/authorize 302", "POST /token 200"]),
      );
      for (const line of requests) expect(line).toMatchObject({ level: "INFO", service: "shopwave", path: expect.stringMatching(/^\/[^?]*$/), durationMs: expect.any(Number) });
    } finally {
      vi.restoreAllMocks();
    }
  });
});
