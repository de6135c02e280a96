// authenticate / optionalPrincipal as handlers use them: a request's bearer token, verified against
// a stand-in issuer serving real keys; every bad token is the same 401 JSON error, an unreachable
// issuer a 503, and no token at all is a guest for optionalPrincipal only.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiEvent } from "../../../../test/support/handler-harness";
import { startTestIssuer, type TestIssuer } from "../../../../test/support/token-signer";

const claims = { customerId: "cus_0123456789abcdefghjkmnpqrs", email: "ada@example.com", roles: ["customer"] };
let issuer: TestIssuer;
let auth: typeof import("./authenticate");
// Imported with the module graph under test, so its HttpError class is the one thrown.
let knownErrorResponse: (typeof import("./error-response"))["knownErrorResponse"];
const savedEnv = { ...process.env };

beforeAll(async () => {
  issuer = await startTestIssuer();
  process.env = { ...savedEnv, AUTH_ISSUER_URL: `${issuer.url}/` };
  vi.resetModules();
  auth = await import("./authenticate");
  ({ knownErrorResponse } = await import("./error-response"));
});
afterAll(async () => {
  process.env = savedEnv;
  await issuer?.stop();
});

const withAuthorization = (authorization?: string) =>
  apiEvent("GET /me", { rawPath: "/me", headers: authorization === undefined ? {} : { authorization } });

async function responseOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  const response = knownErrorResponse(error);
  expect(response, String(error)).toBeDefined();
  return { statusCode: response!.statusCode, body: JSON.parse(String(response!.body)) };
}

describe("authenticate", () => {
  it("returns the principal of a valid bearer token", async () => {
    await expect(auth.authenticate(withAuthorization(`Bearer ${await issuer.sign(claims)}`))).resolves.toEqual(claims);
    await expect(auth.optionalPrincipal(withAuthorization(`bearer ${await issuer.sign(claims)}`))).resolves.toEqual(claims);
  });

  it.each([
    ["no token", async () => undefined],
    ["an expired token", async () => `Bearer ${await issuer.sign(claims, { expiresIn: -1 })}`],
    ["a tampered token", async () => `Bearer ${(await issuer.sign(claims)).slice(0, -4)}AAAA`],
    ["a wrong-issuer token", async () => `Bearer ${await issuer.sign(claims, { iss: "http://localhost:3002" })}`],
    ["a wrong-audience token", async () => `Bearer ${await issuer.sign(claims, { aud: "other" })}`],
    ["a non-Bearer scheme", async () => `Basic ${Buffer.from("a:b").toString("base64")}`],
    ["an order access token", async () => "Bearer dGhpcyBpcyBub3QgYSBqd3QgYXQgYWxsLCBqdXN0IGJ5dGVz"],
    // A valid token inside a header that is not exactly `Bearer <token>` is not accepted either.
    ["a valid token after another scheme", async () => `Token Bearer ${await issuer.sign(claims)}`],
    ["a valid token followed by more", async () => `Bearer ${await issuer.sign(claims)} extra`],
  ])("answers %s with 401 and the JSON error shape", async (_name, header) => {
    const { statusCode, body } = await responseOf(auth.authenticate(withAuthorization(await header())));
    expect(statusCode).toBe(401);
    expect(body).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.stringMatching(/sign in/i) } });
  });

  it("optionalPrincipal: no token is a guest; a bad token is still a 401, never silently a guest", async () => {
    await expect(auth.optionalPrincipal(withAuthorization())).resolves.toBeUndefined();
    await expect(auth.optionalPrincipal(withAuthorization(""))).resolves.toBeUndefined();
    const { statusCode } = await responseOf(auth.optionalPrincipal(withAuthorization(`Bearer ${await issuer.sign(claims, { aud: "other" })}`)));
    expect(statusCode).toBe(401);
  });

  it("answers 503 (not 401) while the issuer's keys cannot be fetched", async () => {
    // A fresh container: nothing cached yet.
    vi.resetModules();
    const fresh: typeof import("./authenticate") = await import("./authenticate");
    const previous = knownErrorResponse;
    ({ knownErrorResponse } = await import("./error-response"));
    issuer.setDown(true);
    try {
      const { statusCode, body } = await responseOf(fresh.authenticate(withAuthorization(`Bearer ${await issuer.sign(claims)}`)));
      expect(statusCode).toBe(503);
      expect(body.error).toEqual({ code: "AUTH_UNAVAILABLE", message: expect.stringMatching(/try again/i) });
    } finally {
      issuer.setDown(false);
      knownErrorResponse = previous;
    }
  });

  it("requireRole: 403 without the role", async () => {
    const customer = await auth.authenticate(withAuthorization(`Bearer ${await issuer.sign(claims)}`));
    const { statusCode, body } = await responseOf(Promise.resolve().then(() => auth.requireRole(customer, "operator")));
    expect(statusCode).toBe(403);
    expect(body.error).toEqual({ code: "FORBIDDEN", message: expect.stringMatching(/\w/) });
    expect(() => auth.requireRole({ ...customer, roles: ["customer", "operator"] }, "operator")).not.toThrow();
  });
});
