// The byStatus backfill command's arguments (the backfill itself: test/integration/admin-order-index-backfill.test.ts).
import { describe, expect, it } from "vitest";
import { parseBackfillArgs } from "./backfill-order-index";

describe("backfill:order-index arguments", () => {
  it("needs a valid --stage, resumes from --from, and bounds --page-size", () => {
    expect(parseBackfillArgs(["--stage", "alice"])).toEqual({ stage: "alice", pageSize: 100 });
    expect(parseBackfillArgs(["--stage", "production", "--from", "eyJpZCI6Im9yZF8xIn0", "--page-size", "25"])).toEqual({
      stage: "production",
      cursor: "eyJpZCI6Im9yZF8xIn0",
      pageSize: 25,
    });
    expect(() => parseBackfillArgs([])).toThrow(/--stage/);
    expect(() => parseBackfillArgs(["--stage", "a/b"])).toThrow(/letters, digits and hyphens/);
    for (const size of ["0", "1001", "ten", "2.5"]) expect(() => parseBackfillArgs(["--stage", "alice", "--page-size", size])).toThrow(/--page-size/);
    expect(() => parseBackfillArgs(["--stage", "alice", "--wipe"])).toThrow();
  });
});
