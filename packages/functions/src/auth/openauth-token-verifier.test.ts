// The OpenAuth verifier against real ES256 tokens from a stand-in issuer on loopback: what it
// accepts, every way a token is refused (and why), what is refused before any key is fetched, key
// caching (an hour), rotation and its cool-down on a clock of the test's, an issuer outage or hang.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InvalidToken, TokenIssuerUnavailable, type TokenVerifier } from "@shopwave/core/accounts/token-verifier";
import { startTestIssuer, type TestIssuer } from "../../../../test/support/token-signer";
import { createOpenAuthTokenVerifier } from "./openauth-token-verifier";

const claims = { customerId: "cus_0123456789abcdefghjkmnpqrs", email: "ada@example.com", roles: ["customer"] };
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** The token with another protected header (its signature no longer matches). */
const withHeader = (token: string, header: Record<string, unknown>) => [base64url(header), ...token.split(".").slice(1)].join(".");

/** A verifier on a clock the test moves. */
function timedVerifier() {
  const clock = { now: Date.now() };
  return { clock, verifier: createOpenAuthTokenVerifier({ issuerUrl: issuer.url, clientId: issuer.clientId, now: () => clock.now }) };
}
let issuer: TestIssuer;
let verifier: TokenVerifier;

beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer?.stop());
beforeEach(() => {
  issuer.setDown(false);
  issuer.setStalled(false);
  verifier = createOpenAuthTokenVerifier({ issuerUrl: issuer.url, clientId: issuer.clientId });
});

async function refusal(token: string, by: TokenVerifier = verifier): Promise<string> {
  const error = await by.verify(token).then(
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

  it("refuses what is not one compact token of at most 4 KiB before fetching anything", async () => {
    const token = await issuer.sign(claims);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const before = issuer.jwksFetches;
    for (const bad of [
      `${token}.x`,
      `!${token}`,
      `${token}!`,
      `${base64url(42)}.${payload}.${signature}`,
      `${header}.${base64url("claims")}.${signature}`,
      `${base64url(null)}.${payload}.${signature}`,
      await issuer.sign({ ...claims, padding: "x".repeat(4096) }),
    ]) {
      expect(await refusal(bad), bad.slice(0, 60)).toBe("malformed");
    }
    expect(issuer.jwksFetches - before).toBe(0);
  });

  it("reads a token of exactly 4 KiB", async () => {
    // Pad a token (refused for its extra claim or its key id, never for its size) to 4,096 characters.
    const padded = (pad: number, kid: number) => issuer.sign({ ...claims, padding: "x".repeat(pad) }, { kid: "k".repeat(kid) });
    // Each character of padding is 4/3 of a character of token.
    const near = Math.floor(((4096 - (await padded(0, 1)).length) * 3) / 4);
    let exact: string | undefined;
    for (let kid = 1; !exact && kid < 8; kid++) {
      for (let pad = near - 4; !exact && pad <= near + 4; pad++) {
        const token = await padded(pad, kid);
        if (token.length === 4096) exact = token;
      }
    }
    expect(exact?.length).toBe(4096);
    expect(await refusal(exact!)).not.toBe("malformed");
  });

  it("takes its issuer URL with a trailing slash", async () => {
    const slashed = createOpenAuthTokenVerifier({ issuerUrl: `${issuer.url}/`, clientId: issuer.clientId });
    await expect(slashed.verify(await issuer.sign(claims))).resolves.toEqual(claims);
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

  it("does not fetch keys again for a token its keys refuse: expired, tampered, without or with an odd key id", async () => {
    const token = await issuer.sign(claims);
    await verifier.verify(token);
    const before = issuer.jwksFetches;
    expect(await refusal(await issuer.sign(claims, { expiresIn: -5 }))).toBe("expired");
    expect(await refusal(withHeader(token, { alg: "ES256", typ: "JWT" }))).toBe("signature");
    expect(await refusal(withHeader(token, { alg: "ES256", typ: "JWT", kid: 7 }))).toBe("signature");
    expect(issuer.jwksFetches - before).toBe(0);
  });

  it("fetches the key set again once it is an hour old, so a withdrawn key stops working within the hour", async () => {
    const { clock, verifier: timed } = timedVerifier();
    const old = await issuer.sign(claims, { expiresIn: 3 * 60 * 60 });
    const before = issuer.jwksFetches;
    await timed.verify(old);
    await issuer.rotate({ dropOld: true });
    clock.now += 60 * 60 * 1000;
    await expect(timed.verify(old)).resolves.toEqual(claims);
    expect(issuer.jwksFetches - before).toBe(1);
    clock.now += 1;
    expect(await refusal(old, timed)).toBe("signature");
    // The hour's fetch, then one more for a key id the fresh set lacks (the cool-down allows it).
    expect(issuer.jwksFetches - before).toBe(3);
  });

  it("fetches keys for unknown key ids at most once per 30 seconds", async () => {
    const { clock, verifier: timed } = timedVerifier();
    await timed.verify(await issuer.sign(claims));
    const before = issuer.jwksFetches;
    const forged = (i: number) => issuer.sign(claims, { unpublishedKey: true, kid: `forged-${i}` });
    expect(await refusal(await forged(1), timed)).toBe("signature");
    expect(issuer.jwksFetches - before).toBe(1);
    clock.now += 30_000;
    expect(await refusal(await forged(2), timed)).toBe("signature");
    expect(issuer.jwksFetches - before).toBe(1);
    clock.now += 1;
    expect(await refusal(await forged(3), timed)).toBe("signature");
    expect(issuer.jwksFetches - before).toBe(2);
  });

  it("gives up on an issuer that does not answer, as unavailable", async () => {
    issuer.setStalled(true);
    await expect(verifier.verify(await issuer.sign(claims))).rejects.toBeInstanceOf(TokenIssuerUnavailable);
  });

  it("reports an unreachable issuer as unavailable, not as a bad token, and recovers", async () => {
    issuer.setDown(true);
    await expect(verifier.verify(await issuer.sign(claims))).rejects.toBeInstanceOf(TokenIssuerUnavailable);
    issuer.setDown(false);
    await expect(verifier.verify(await issuer.sign(claims))).resolves.toEqual(claims);
  });
});
