import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrderId } from "../orders/order";
import { randomId } from "./random-id";

// The CSPRNG stays real; a test may pin one draw to check the encoding against a known answer.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, randomBytes: vi.fn(actual.randomBytes) };
});
afterEach(() => {
  vi.mocked(randomBytes).mockClear();
});

/** Crockford base32 the slow, obvious way: the bits in order, zero-padded to whole 5-bit digits. */
function base32(bytes: Uint8Array): string {
  const bits = [...bytes].map((byte) => byte.toString(2).padStart(8, "0")).join("");
  const digits = bits.padEnd(Math.ceil(bits.length / 5) * 5, "0").match(/.{5}/g) ?? [];
  return digits.map((digit) => "0123456789abcdefghjkmnpqrstvwxyz"[parseInt(digit, 2)]).join("");
}

describe("randomId", () => {
  it("makes 26-character base32 ids that the order id schema accepts", () => {
    const id = randomId("ord");
    expect(id).toMatch(/^ord_[0-9a-z]{26}$/);
    expect(OrderId.safeParse(id).success).toBe(true);
  });

  it("does not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => randomId("ord")));
    expect(ids.size).toBe(10_000);
  });

  it("encodes 16 bytes from the CSPRNG, every bit of them, most significant first", () => {
    for (const hex of ["00112233445566778899aabbccddeeff", "ffffffffffffffffffffffffffffffff", "80000000000000000000000000000001"]) {
      const bytes = Buffer.from(hex, "hex");
      vi.mocked(randomBytes).mockReturnValueOnce(bytes as never);
      expect(randomId("ord")).toBe(`ord_${base32(bytes)}`);
      expect(randomBytes).toHaveBeenLastCalledWith(16);
    }
    expect(base32(Buffer.from("ffffffffffffffffffffffffffffffff", "hex"))).toBe(`${"z".repeat(25)}w`);
  });

  it("encodes other sizes without a stray digit (5 bytes are exactly 8 digits)", () => {
    for (const hex of ["0123456789", "ffffffffff", "ffffffff"]) {
      const bytes = Buffer.from(hex, "hex");
      vi.mocked(randomBytes).mockReturnValueOnce(bytes as never);
      expect(randomId("aud", bytes.length)).toBe(`aud_${base32(bytes)}`);
    }
    expect(base32(Buffer.from("ffffffffff", "hex"))).toBe("zzzzzzzz");
  });
});
