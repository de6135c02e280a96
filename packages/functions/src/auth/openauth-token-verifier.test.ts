// The OpenAuth verifier against real ES256 tokens from a stand-in issuer on loopback: what it
// accepts, every way a token is refused (and why), key caching and rotation, an issuer outage.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InvalidToken, TokenIssuerUnavailable, type TokenVerifier } from "@shopwave/core/accounts/token-verifier";
import { startTestIssuer, type TestIssuer } from "../../../../test/support/token-signer";
import { createOpenAuthTokenVerifier } from "./openauth-token-verifier";

const claims = { customerId: "cus_0123456789abcdefghjkmnpqrs", email: "ada@example.com", roles: ["customer"] };
let issuer: TestIssuer;
let verifier: TokenVerifier;

beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer?.stop());
beforeEach(() => {
  issuer.setDown(false);
  verifier = createOpenAuthTokenVerifier({ issuerUrl: issuer.url, clientId: issuer.clientId });
});

async function refusal(token: string): Promise<string> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidToken);
  return (error as InvalidToken).reason;
}

describe("OpenAuth token verifier", () => {
  it("returns the principal of a valid access token", async () => {
    await expect(verifier.verify(await issuer.sign(claims))).resolves.toEqual(claims);
    await expect(verifier.verify(await issuer.sign({ ...claims, roles: ["customer", "operator"] }))).resolves.toMatchObject({ roles: ["customer", "operator"] });
  });

  it("refuses an expired token", async () => {
    expect(await refusal(await issuer.sign(claims, { expiresIn: -5 }))).toBe("expired");
  });

  it("refuses a tampered token (claims changed after signing)", async () => {
    const [header, payload, signature] = (await issuer.sign(claims)).split(".") as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, "base64url").toString());
    forged.properties.email = "mallory@example.com";
    const tampered = [header, Buffer.from(JSON.stringify(forged)).toString("base64url"), signature].join(".");
    expect(await refusal(tampered)).toBe("signature");
  });

  it("refuses a token signed with a key the issuer does not publish, also under its key id", async () => {
    expect(await refusal(await issuer.sign(claims, { unpublishedKey: true }))).toBe("signature");
    expect(await refusal(await issuer.sign(claims, { unpublishedKey: true, kid: "someone-elses-key" }))).toBe("signature");
  });

  it("refuses a token naming another issuer (localhost is not 127.0.0.1)", async () => {
    expect(await refusal(await issuer.sign(claims, { iss: "https://evil.example" }))).toBe("issuer");
    expect(await refusal(await issuer.sign(claims, { iss: issuer.url.replace("127.0.0.1", "localhost") }))).toBe("issuer");
  });

  it("refuses a token minted for another client (OpenAuth's verify does not check aud)", async () => {
    expect(await refusal(await issuer.sign(claims, { aud: "some-other-app" }))).toBe("audience");
  });

  it("refuses refresh-mode tokens, other subject types and claims outside the schema", async () => {
    expect(await refusal(await issuer.sign(claims, { mode: "refresh" }))).toBe("claims");
    expect(await refusal(await issuer.sign(claims, { type: "user" }))).not.toBe(undefined);
    expect(await refusal(await issuer.sign({ ...claims, roles: ["admin"] }))).toBe("claims");
    expect(await refusal(await issuer.sign({ ...claims, extra: "x" }))).toBe("claims");
    expect(await refusal(await issuer.sign({ email: claims.email, roles: claims.roles }))).toBe("claims");
  });

  it.each([
    ["garbage", "not a token"],
    ["two parts", "abc.def"],
    ["non-JSON parts", "abc.def.ghi"],
    ["an oversized token", `${"a".repeat(5000)}.b.c`],
    ["an unsigned token (alg none)", `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ mode: "access", type: "customer", properties: claims, aud: "storefront" })).toString("base64url")}.x`],
  ])("refuses %s", async (_name, token) => {
    expect(["malformed", "signature", "issuer", "expired"]).toContain(await refusal(token));
  });

  it("fetches the key set once and reuses it", async () => {
    const before = issuer.jwksFetches;
    for (let i = 0; i < 5; i++) await verifier.verify(await issuer.sign(claims));
    expect(issuer.jwksFetches - before).toBe(1);
  });

  it("accepts a rotated key after fetching the key set again, but not for every unknown key id", async () => {
    await verifier.verify(await issuer.sign(claims));
    await issuer.rotate({ dropOld: true });
    const before = issuer.jwksFetches;
    await expect(verifier.verify(await issuer.sign(claims))).resolves.toEqual(claims);
    expect(issuer.jwksFetches - before).toBe(1);
    // Forged key ids right after do not make it fetch again (cool-down).
    for (let i = 0; i < 3; i++) await refusal(await issuer.sign(claims, { unpublishedKey: true, kid: `forged-${i}` }));
    expect(issuer.jwksFetches - before).toBe(1);
  });

  it("reports an unreachable issuer as unavailable, not as a bad token, and recovers", async () => {
    issuer.setDown(true);
    await expect(verifier.verify(await issuer.sign(claims))).rejects.toBeInstanceOf(TokenIssuerUnavailable);
    issuer.setDown(false);
    await expect(verifier.verify(await issuer.sign(claims))).resolves.toEqual(claims);
  });
});
