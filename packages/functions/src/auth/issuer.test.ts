// The issuer's Lambda entry as the stage runs it: a cold start with the function's resource env
// (accounts and rate-limit tables, the SES identity, OPENAUTH_STORAGE on DynamoDB Local), invoked
// with Lambda URL events: a whole sign-in by the code the local SES received, to a token the
// verifier accepts; operators from OPERATOR_EMAILS; the one origin AUTH_ISSUER_URL names; request
// lines logged with the invocation's context.
import { randomBytes, randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { principalForVerifiedEmail } from "@shopwave/core/accounts/customer-account";
import { SIGN_IN_CODE } from "@shopwave/core/accounts/sign-in-code";
import { auth } from "@shopwave/infra/topology";
import { createTables } from "@shopwave/local/aws/create-tables";
import { cookieJar, pkcePair } from "../../../../test/support/cookie-jar";
import { apiEvent, captureOutput, lambdaContext, startHandlerHarness, type HandlerHarness } from "../../../../test/support/handler-harness";
import { readEmails } from "../../../../test/support/inbox";
import { createOpenAuthTokenVerifier } from "./openauth-token-verifier";

const sesEndpoint = inject("sesEndpoint");
/** The domain apiEvent's requests arrive on, pinned as AUTH_ISSUER_URL. */
const ISSUER = "https://api.unit.test";
const STOREFRONT = "http://shop.unit.test";
const CALLBACK = `${STOREFRONT}${auth.callbackPath}`;
const SENDER = "sign-in@shopwave.test";
const OPERATOR = "boss@shopwave.test";

let h: HandlerHarness;
let storageTable: string;
let handler: (typeof import("./issuer"))["handler"];
let out: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  h = await startHandlerHarness();
  storageTable = `unit-${randomBytes(4).toString("hex")}-${auth.storage.resource}`;
  await createTables(new DynamoDBClient({ endpoint: inject("dynamoDbEndpoint")!, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } }), [auth.storage], () => storageTable);
});
afterAll(() => h?.stop());
// A cold start per test: each test checks what the entry builds from its env, not only the first.
beforeEach(async () => {
  ({ handler } = await h.load(() => import("./issuer"), {
    AWS_ENDPOINT_URL_SESV2: sesEndpoint,
    SST_RESOURCE_Email: JSON.stringify({ sender: SENDER, type: "sst.aws.Email" }),
    STOREFRONT_URL: STOREFRONT,
    OPERATOR_EMAILS: OPERATOR,
    AUTH_ISSUER_URL: ISSUER,
    OPENAUTH_STORAGE: JSON.stringify({ type: "dynamo", options: { table: storageTable, endpoint: inject("dynamoDbEndpoint")! } }),
  }));
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

/** A browser on the issuer's function URL: Lambda URL events, its cookies kept, redirects not followed. */
function browser(sourceIp = "203.0.113.40") {
  const jar = cookieJar();
  return async (method: "GET" | "POST", path: string, request: { query?: Record<string, string>; form?: Record<string, string>; domainName?: string } = {}) => {
    const event: APIGatewayProxyEventV2 = apiEvent(`${method} ${path}`, {
      sourceIp,
      ...(request.query ? { query: request.query } : {}),
      ...(request.form ? { headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(request.form).toString() } : {}),
    });
    if (request.domainName) event.requestContext.domainName = request.domainName;
    if (jar.header()) event.cookies = jar.pairs();
    // hono types its v2 events with an authorizer that a function URL's requests do not carry.
    const result = (await handler(event as unknown as Parameters<typeof handler>[0], lambdaContext("issuer"))) as APIGatewayProxyStructuredResultV2;
    jar.keep(result.cookies ?? []);
    return result;
  };
}

/** The whole sign-in: /authorize, the code form, the code from the inbox, the token exchange. */
async function signIn(email: string) {
  const go = browser();
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(18).toString("base64url");
  const query = { client_id: auth.clientId, redirect_uri: CALLBACK, response_type: "code", state, code_challenge: challenge, code_challenge_method: "S256" };
  const start = await go("GET", "/authorize", { query });
  expect(start.statusCode).toBe(302);
  expect((await go("GET", new URL(String(start.headers!.location), ISSUER).pathname)).statusCode).toBe(200);
  expect((await go("POST", "/code/authorize", { form: { action: "request", email } })).statusCode).toBe(200);
  const mails = await readEmails(sesEndpoint, { to: email });
  expect(mails).toHaveLength(1);
  const code = /\b(\d{6})\b/.exec(mails[0]!.subject)![1]!;
  const done = await go("POST", "/code/authorize", { form: { action: "verify", code } });
  expect(done.statusCode).toBe(302);
  const callback = new URL(String(done.headers!.location));
  expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
  const token = await go("POST", "/token", { form: { grant_type: "authorization_code", code: callback.searchParams.get("code")!, redirect_uri: CALLBACK, client_id: auth.clientId, code_verifier: verifier } });
  expect(token.statusCode).toBe(200);
  return { mail: mails[0]!, code, accessToken: (JSON.parse(String(token.body)) as { access_token: string }).access_token };
}

/** The API's verifier, reading the issuer's documents through the same Lambda entry. */
const tokenVerifier = () =>
  createOpenAuthTokenVerifier({
    issuerUrl: ISSUER,
    clientId: auth.clientId,
    fetch: (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      const result = await browser()("GET", url.pathname);
      return new Response(String(result.body), { status: result.statusCode!, headers: result.headers as Record<string, string> });
    }) as typeof fetch,
  });

describe("the issuer's Lambda entry", () => {
  it("signs a customer in by the code it mails from the shop's sender, to a token the API accepts", async () => {
    const email = `shopper-${randomUUID().slice(0, 8)}@example.com`;
    const { mail, code, accessToken } = await signIn(email);
    expect(mail).toMatchObject({ from: SENDER, to: [email], subject: `${code} is your Shopwave sign-in code` });
    // The lifetime it states is the code's own.
    expect(mail.text).toContain(`within ${SIGN_IN_CODE.ttlSeconds / 60} minutes`);
    const principal = await tokenVerifier().verify(accessToken);
    expect(principal).toEqual({ customerId: expect.stringMatching(/^cus_/), email, roles: ["customer"] });
    // The account is the one in the stage's accounts table.
    expect((await principalForVerifiedEmail(h.u.accounts, email, new Set())).customerId).toBe(principal.customerId);
    // One structured line per request, with the invocation's context.
    expect(out.logged("issuer request")).toEqual(expect.arrayContaining([expect.objectContaining({ method: "POST", path: "/token", status: 200, function_name: "issuer" })]));
  });

  it("gives the operator role to the addresses in OPERATOR_EMAILS", async () => {
    const { accessToken } = await signIn(OPERATOR);
    expect((await tokenVerifier().verify(accessToken)).roles).toEqual(["customer", "operator"]);
  });

  it("answers only on AUTH_ISSUER_URL's origin: another host is sent there", async () => {
    const other = await browser()("GET", "/.well-known/jwks.json", { domainName: "other.unit.test" });
    expect(other.statusCode).toBe(308);
    expect(other.headers!.location).toBe(`${ISSUER}/.well-known/jwks.json`);
  });
});
