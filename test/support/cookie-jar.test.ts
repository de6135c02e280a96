import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cookieJar, pkcePair } from "./cookie-jar";

describe("cookieJar", () => {
  const now = Date.parse("2026-11-30T12:00:00Z");

  it("sends back what was set, with the value's own = signs, and the latest value of each name", () => {
    const jar = cookieJar(() => now);
    expect(jar.header()).toBeUndefined();
    jar.keep(["a=1; Path=/; HttpOnly", "b=x=y==; Max-Age=60", "a=2"]);
    expect(jar.pairs()).toEqual(["a=2", "b=x=y=="]);
    expect(jar.header()).toBe("a=2; b=x=y==");
  });

  it("forgets a cookie cleared with Max-Age=0 or an Expires date that has passed, in any case", () => {
    const jar = cookieJar(() => now);
    jar.keep(["gone=1", "past=1", "later=1", "minus=1"]);
    jar.keep([
      "gone=; max-age=0; Path=/",
      "past=; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
      "later=2; expires=Tue, 01 Dec 2026 00:00:00 GMT",
      "minus=; Max-Age=-1",
    ]);
    expect(jar.pairs()).toEqual(["later=2"]);
  });
});

describe("pkcePair", () => {
  it("gives a fresh verifier and its S256 challenge", () => {
    const first = pkcePair();
    expect(first.verifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(first.challenge).toBe(createHash("sha256").update(first.verifier).digest("base64url"));
    expect(pkcePair().verifier).not.toBe(first.verifier);
  });
});
