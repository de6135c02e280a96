// GET /admin/audit on DynamoDB Local: every console action newest first, or one operator's, or
// one target's, a page at a time; both filters at once, a bad limit or a forged cursor is a 400.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { newAuditEntry, recordAuditEntry } from "@shopwave/core/admin/audit-log";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";

let h: AdminHarness;
let listAudit: (typeof import("./list-audit"))["handler"];
const ada = { id: "acct_ada", email: "ada@shop.example" };
const bob = { id: "acct_bob", email: "bob@shop.example" };
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: listAudit } = await h.load(() => import("./list-audit")));
  const entries = [
    { operator: ada, target: "order:ord_a", minute: 1 },
    { operator: bob, target: "order:ord_a", minute: 2 },
    { operator: ada, target: "product:mug", minute: 3 },
  ];
  for (const { operator, target, minute } of entries) {
    await recordAuditEntry(h.audit, newAuditEntry({ operator, action: "order.cancel", target, reason: `at ${minute}`, result: "succeeded" }, new Date(`2026-11-30T10:0${minute}:00.000Z`)));
  }
});
afterAll(() => h?.stop());
beforeEach(() => {
  captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const list = async (query: Record<string, string> = {}) => {
  const response = await listAudit(h.event("GET /admin/audit", { query }), lambdaContext("admin-list-audit"));
  return { statusCode: response.statusCode, body: bodyOf(response) };
};
const reasons = (body: { entries: { reason: string }[] }) => body.entries.map((entry) => entry.reason);

describe("GET /admin/audit", () => {
  it("lists every entry newest first, a page at a time", async () => {
    const first = await list({ limit: "2" });
    expect(first.statusCode).toBe(200);
    expect(reasons(first.body)).toEqual(["at 3", "at 2"]);
    const second = await list({ limit: "2", cursor: first.body.nextCursor });
    expect(reasons(second.body)).toEqual(["at 1"]);
  });

  it("filters by operator or by target", async () => {
    expect(reasons((await list({ operatorId: ada.id })).body)).toEqual(["at 3", "at 1"]);
    expect(reasons((await list({ target: "order:ord_a" })).body)).toEqual(["at 2", "at 1"]);
    expect((await list({ target: "order:ord_other" })).body).toEqual({ entries: [] });
  });

  it.each([
    ["both filters", { operatorId: ada.id, target: "order:ord_a" }],
    ["a limit of 0", { limit: "0" }],
    ["a limit over the page size", { limit: "101" }],
    ["a forged cursor", { cursor: "eyJub3QiOiJhIGtleSJ9" }],
    ["an unknown parameter", { action: "order.cancel" }],
  ])("answers 400 to %s", async (_name, query) => {
    const response = await list(query);
    expect(response.statusCode).toBe(400);
    expect(response.body.error.code).toBe("VALIDATION_FAILED");
  });
});
