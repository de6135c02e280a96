// The issuer app end to end in-process (its Hono fetch, real OpenAuth, real DynamoDB Local for
// OpenAuth's storage, the accounts and the rate limits): the email-code flow to a token the
// verifier accepts, and everything it refuses: foreign clients and redirect URIs, no PKCE,
// implicit flow, wrong and reused codes, cross-site posts, the other spelling of its host; and
// its logs: structured, and never a code, state or token.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoStorage } from "@openauthjs/openauth/storage/dynamo";
import type { StorageAdapter } from "@openauthjs/openauth/storage/storage";
import type { Hono } from "hono";
import { auth } from "@shopwave/infra/topology";
import { createTables } from "@shopwave/local/aws/create-tables";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import { cookieJar, pkcePair } from "../../../../test/support/cookie-jar";
import { captureOutput } from "../../../../test/support/handler-harness";
import { createOpenAuthTokenVerifier } from "./openauth-token-verifier";
import { createIssuerApp, type IssuerOptions } from "./issuer-app";
import { ISSUER_STYLESHEET_PATH, issuerStylesheet } from "./sign-in-pages";

const ISSUER = "http://127.0.0.1:3902";
const STOREFRONT = "http://localhost:3900";
const CALLBACK = `${STOREFRONT}${auth.callbackPath}`;

let u: UnitStore;
let app: Hono;
let storageTable: string;
let storage: StorageAdapter;
const mailed: { email: string; code: string }[] = [];
const savedEnv = { ...process.env };
/** The process's console.log before any issuer is built (building one silences it for a moment). */
const consoleLog = console.log;

beforeAll(async () => {
  u = await createUnitStore();
  const endpoint = inject("dynamoDbEndpoint")!;
  storageTable = `unit-${randomBytes(4).toString("hex")}-${auth.storage.resource}`;
  await createTables(new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } }), [auth.storage], () => storageTable);
  // OpenAuth's DynamoStorage signs its requests with these (aws4fetch).
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local", AWS_REGION: "us-east-1" });
  storage = DynamoStorage({ table: storageTable, endpoint });
});
afterAll(async () => {
  process.env = savedEnv;
  await u?.destroy();
});

/** The issuer as the stage configures it; a test changes what it is about. */
function issuerOptions(overrides: Partial<IssuerOptions> = {}): IssuerOptions {
  return {
    accounts: u.accounts,
    storefrontUrl: STOREFRONT,
    operatorEmails: new Set(["boss@example.com"]),
    issuerUrl: ISSUER,
    storage,
    sendCode: async (email, code) => {
      mailed.push({ email, code });
    },
    ...overrides,
  };
}

// Every test builds its own issuer on the shared storage, as every Lambda container does (keys
// and codes carry over through the storage only), and so every test checks what building it does.
beforeEach(() => {
  app = createIssuerApp(issuerOptions());
});

/** A browser: a cookie jar and requests to the issuer app, redirects not followed. */
function browser(address = "198.51.100.20", target?: Hono) {
  const jar = cookieJar();
  return async (path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; url?: string } = {}) => {
    const headers = new Headers(init.headers);
    const cookies = jar.header();
    if (cookies) headers.set("cookie", cookies);
    if (init.form) headers.set("content-type", "application/x-www-form-urlencoded");
    const response = await (target ?? app).fetch(
      new Request(init.url ?? `${ISSUER}${path}`, { method: init.method ?? (init.form ? "POST" : "GET"), headers, ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}) }),
      { incoming: { socket: { remoteAddress: address } } },
    );
    jar.keep(response.headers.getSetCookie());
    return response;
  };
}

function authorizePath(overrides: Record<string, string | undefined> = {}, challenge = pkcePair().challenge) {
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
  const { verifier, challenge } = pkcePair();
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
    // `sub` is the customer id: what an OAuth client keys a user on, and what OpenAuth files the customer's refresh tokens under.
    expect(JSON.parse(Buffer.from(tokens.access_token.split(".")[1]!, "base64url").toString("utf8"))).toMatchObject({ sub: principal.customerId });
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
    // The token endpoint is called server to server, so it answers whatever site a request says it comes from.
    const refreshed = await go("/token", { form: { grant_type: "refresh_token", refresh_token: tokens.refresh_token }, headers: { origin: STOREFRONT, "sec-fetch-site": "cross-site" } });
    expect(refreshed.status).toBe(200);
    await expect(verifier().verify(((await refreshed.json()) as { access_token: string }).access_token)).resolves.toMatchObject({ email: "refresh@example.com" });
  });

  it("exchanges an authorization code once, and only with the PKCE verifier", async () => {
    const go = browser();
    const { challenge } = pkcePair();
    const start = await go(authorizePath({}, challenge));
    await go(new URL(start.headers.get("location")!, ISSUER).pathname);
    await go("/code/authorize", { form: { action: "request", email: "pkce@example.com" } });
    const done = await go("/code/authorize", { form: { action: "verify", code: mailed.at(-1)!.code } });
    const code = new URL(done.headers.get("location")!).searchParams.get("code")!;
    const wrong = await go("/token", { form: { grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: auth.clientId, code_verifier: pkcePair().verifier } });
    expect(wrong.status).toBe(400);
    // The failed attempt spent the code (OpenAuth removes it before checking).
    const replay = await go("/token", { form: { grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: auth.clientId, code_verifier: "x".repeat(64) } });
    expect(replay.status).toBe(400);
  });

  it.each([
    ["another client id", { client_id: "evil" }, "unknown client"],
    ["another redirect URI", { redirect_uri: "http://localhost:4000/auth/callback" }, "redirect URI not allowed"],
    ["a look-alike redirect URI", { redirect_uri: `${CALLBACK}/../../steal` }, "redirect URI not allowed"],
    ["the implicit flow", { response_type: "token" }, "only response_type=code"],
    ["no PKCE", { code_challenge: undefined, code_challenge_method: undefined }, "PKCE with S256 is required"],
    ["a plain PKCE challenge", { code_challenge_method: "plain" }, "PKCE with S256 is required"],
    ["a PKCE challenge longer than 128 characters", { code_challenge: "a".repeat(129) }, "PKCE with S256 is required"],
    ["a PKCE challenge with a character outside base64url", { code_challenge: `=${pkcePair().challenge}` }, "PKCE with S256 is required"],
    ["no state", { state: undefined }, "a state is required"],
    ["a state longer than 128 characters", { state: "s".repeat(129) }, "a state is required"],
    ["a state with a character outside base64url", { state: `<${randomBytes(18).toString("base64url")}` }, "a state is required"],
    ["another provider", { provider: "password" }, "unknown provider"],
  ])("refuses %s at /authorize with a page that says why, never a redirect", async (_name, overrides, reason) => {
    const response = await browser()(authorizePath(overrides));
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain(`This sign-in link is not valid (${reason}).`);
  });

  it("names every problem of a link at once", async () => {
    const response = await browser()(authorizePath({ client_id: "evil", redirect_uri: "http://localhost:4000/auth/callback" }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("This sign-in link is not valid (unknown client, redirect URI not allowed).");
  });

  it("takes a link that names its one provider, and a storefront URL written with a trailing slash", async () => {
    const named = await browser()(authorizePath({ provider: "code" }));
    expect(named.status).toBe(302);
    expect(new URL(named.headers.get("location")!, ISSUER).pathname).toBe("/code/authorize");
    const slashed = createIssuerApp(issuerOptions({ storefrontUrl: `${STOREFRONT}/` }));
    const response = await browser(undefined, slashed)(authorizePath());
    expect(response.status).toBe(302);
  });

  it("applies the sign-in limits it is given to its code form", async () => {
    const limits = { limit: 100, windowSeconds: 900 };
    const limited = createIssuerApp(issuerOptions({ limits: { requestsPerEmail: { limit: 1, windowSeconds: 86_400 }, requestsPerClient: limits, guessesPerEmail: limits, guessesPerClient: limits } }));
    const go = browser("198.51.100.30", limited);
    const start = await go(authorizePath());
    await go(new URL(start.headers.get("location")!, ISSUER).pathname);
    expect((await go("/code/authorize", { form: { action: "request", email: "limited@example.com" } })).status).toBe(200);
    const again = await go("/code/authorize", { form: { action: "resend" } });
    expect(again.status).toBe(429);
  });

  it("answers a right code whose sign-in session is gone with a page saying so, never a redirect", async () => {
    // The browser no longer holds the issuer's authorization cookie (it lasts a day): the code form
    // was opened without /authorize, e.g. from history after the cookie expired.
    const go = browser("198.51.100.31");
    await go("/code/authorize");
    await go("/code/authorize", { form: { action: "request", email: "late@example.com" } });
    const response = await go("/code/authorize", { form: { action: "verify", code: mailed.at(-1)!.code } });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("Your sign-in session has expired. Go back to the shop and choose Sign in again.");
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
    const noOrigin = await go("/code/authorize", { form: { action: "request", email: "csrf@example.com" }, headers: { "sec-fetch-site": "same-site" } });
    expect(noOrigin.status).toBe(403);
    expect(await noOrigin.text()).toContain("This form was sent from another site.");
    expect(mailed.length).toBe(before);
    const otherHost = await go("/.well-known/jwks.json", { url: "http://localhost:3902/.well-known/jwks.json" });
    expect(otherHost.status).toBe(308);
    expect(otherHost.headers.get("location")).toBe(`${ISSUER}/.well-known/jwks.json`);
    // A form posted to the other spelling is refused, not redirected (a redirect would post it again).
    const postToOtherHost = await go("/code/authorize", { url: "http://localhost:3902/code/authorize", form: { action: "request", email: "csrf@example.com" } });
    expect(postToOtherHost.status).toBe(421);
    expect(postToOtherHost.headers.get("location")).toBeNull();
    expect(await postToOtherHost.json()).toEqual({ error: "invalid_request", error_description: `Use ${ISSUER}.` });
    expect(mailed.length).toBe(before);
  });

  it("takes form posts a browser marks same-origin, or whose Origin is its own", async () => {
    const go = browser("198.51.100.32");
    const start = await go(authorizePath());
    await go(new URL(start.headers.get("location")!, ISSUER).pathname);
    const sameOrigin = await go("/code/authorize", { form: { action: "request", email: "same-origin@example.com" }, headers: { "sec-fetch-site": "same-origin", origin: ISSUER } });
    expect(sameOrigin.status).toBe(200);
    // A browser without Fetch Metadata sends its Origin only.
    const ownOrigin = await go("/code/authorize", { form: { action: "resend" }, headers: { origin: ISSUER } });
    expect(ownOrigin.status).toBe(200);
    expect(mailed.filter((m) => m.email === "same-origin@example.com")).toHaveLength(2);
  });

  it("serves its icon and stylesheet cacheable, with the pages' security headers", async () => {
    const icon = await app.fetch(new Request(`${ISSUER}/favicon.ico`));
    expect(icon.status).toBe(204);
    expect(icon.headers.get("cache-control")).toBe("public, max-age=86400");
    const css = await app.fetch(new Request(`${ISSUER}${ISSUER_STYLESHEET_PATH}`));
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(await css.text()).toBe(issuerStylesheet);
    expect(css.headers.get("x-content-type-options")).toBe("nosniff");
    expect(css.headers.get("content-security-policy")).toContain("default-src 'none'");
    // Plain HTTP (the local stack): no HSTS.
    expect(css.headers.get("strict-transport-security")).toBeNull();
    expect(css.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
  });

  it("adds HSTS and upgrade-insecure-requests over HTTPS, also behind a proxy that terminates TLS", async () => {
    const deployed = createIssuerApp(issuerOptions({ issuerUrl: "https://auth.shop.example" }));
    for (const request of [
      new Request("https://auth.shop.example/favicon.ico"),
      new Request("http://10.0.0.5/favicon.ico", { headers: { "x-forwarded-proto": "https", "x-forwarded-host": "auth.shop.example" } }),
    ]) {
      const response = await deployed.fetch(request);
      expect(response.status).toBe(204);
      expect(response.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
      expect(response.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    }
  });

  it("leaves the process's console.log working once built (OpenAuth's request lines are off only while it builds)", () => {
    createIssuerApp(issuerOptions());
    expect(console.log).toBe(consoleLog);
  });
});

describe("the sign-in issuer's logs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("put a request it could not answer (its storage unreachable) at ERROR, the others at INFO, each with its own duration", async () => {
    const out = captureOutput();
    const broken = createIssuerApp(
      issuerOptions({ storage: DynamoStorage({ table: "no-such-table", endpoint: inject("dynamoDbEndpoint")! }), log: new Logger({ serviceName: "shopwave", logLevel: "INFO" }) }),
    );
    const started = performance.now();
    const failed = await broken.fetch(new Request(`${ISSUER}/.well-known/jwks.json`));
    const took = performance.now() - started;
    expect(failed.status).toBe(500);
    expect((await broken.fetch(new Request(`${ISSUER}/favicon.ico`))).status).toBe(204);
    expect(out.logged("issuer request failed")).toEqual([expect.objectContaining({ level: "ERROR", method: "GET", path: "/.well-known/jwks.json", status: 500 })]);
    expect(out.logged("issuer request")).toEqual([expect.objectContaining({ level: "INFO", method: "GET", path: "/favicon.ico", status: 204 })]);
    const { durationMs } = out.logged("issuer request failed")[0]!;
    expect(durationMs).toBeGreaterThanOrEqual(0);
    expect(durationMs).toBeLessThanOrEqual(Math.ceil(took));
  });

  it("are one structured JSON line per request, path only: no code, state, PKCE value or token in anything it prints", async () => {
    const printed: string[] = [];
    const text = (value: unknown) => (typeof value === "string" ? value : value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : (JSON.stringify(value) ?? String(value)));
    const write = (chunk: unknown) => printed.push(text(chunk)) > 0;
    // Before the app is built: OpenAuth's request logger keeps the console.log it finds then.
    for (const method of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(text).join(" ")));
    vi.spyOn(process.stdout, "write").mockImplementation(write);
    vi.spyOn(process.stderr, "write").mockImplementation(write);
    try {
      const logged = createIssuerApp(issuerOptions({ operatorEmails: new Set(), log: new Logger({ serviceName: "shopwave", logLevel: "INFO" }) }));
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
