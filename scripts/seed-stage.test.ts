// The stage seeding command's arguments (the writing itself is seedCatalog, which the local stack uses).
import { describe, expect, it } from "vitest";
import { parseSeedArgs } from "./seed-stage";

describe("seed:stage arguments", () => {
  it("needs a valid --stage, and --production to touch production", () => {
    expect(parseSeedArgs(["--stage", "alice"])).toEqual({ stage: "alice" });
    expect(parseSeedArgs(["--stage", "production", "--production"])).toEqual({ stage: "production" });
    expect(() => parseSeedArgs(["--stage", "production"])).toThrow(/--production/);
    expect(() => parseSeedArgs([])).toThrow(/--stage/);
    expect(() => parseSeedArgs(["--stage", "a/b"])).toThrow(/letters, digits and hyphens/);
    expect(() => parseSeedArgs(["--stage", "alice", "--wipe"])).toThrow();
  });
});
