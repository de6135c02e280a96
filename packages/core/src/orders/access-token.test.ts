import { describe, expect, it } from "vitest";
import { accessTokenMatches, hashAccessToken, newAccessToken } from "./access-token";

describe("access tokens", () => {
  it("match only their own hash", () => {
    const { token, hash } = newAccessToken();
    expect(accessTokenMatches(token, hash)).toBe(true);
    expect(accessTokenMatches(`${token}x`, hash)).toBe(false);
    expect(accessTokenMatches(newAccessToken().token, hash)).toBe(false);
  });

  it("are long random strings and are not stored in clear", () => {
    const { token, hash } = newAccessToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashAccessToken(token));
    expect(hash).not.toContain(token);
  });

  it("reject a malformed stored hash instead of throwing", () => {
    expect(accessTokenMatches("anything", "not-hex")).toBe(false);
  });
});
