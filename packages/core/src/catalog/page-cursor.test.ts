import { describe, expect, it } from "vitest";
import { DomainError } from "../shared/domain-error";
import { decodeCursor, encodeCursor } from "./page-cursor";

describe("page cursors", () => {
  it("round-trip a page key", () => {
    expect(decodeCursor(encodeCursor({ id: "lantern" }))).toEqual({ id: "lantern" });
  });

  it.each(["%%%", Buffer.from("not json").toString("base64url"), Buffer.from('{"id":1}').toString("base64url"),
    Buffer.from('{"id":"a","extra":"x"}').toString("base64url")])("reject a tampered cursor %s as a validation error", (cursor) => {
    expect(() => decodeCursor(cursor)).toThrowError(DomainError);
    try {
      decodeCursor(cursor);
    } catch (error) {
      expect((error as DomainError).code).toBe("VALIDATION_FAILED");
      expect((error as DomainError).message).toBe("The cursor is not valid; use the nextCursor of a previous page.");
    }
  });
});
