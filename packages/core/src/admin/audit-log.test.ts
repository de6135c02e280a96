// The audit log on DynamoDB Local: an entry commits only with the change it rides with, is written
// once per id, and is listed newest first by time, by operator and by target.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import { ValidationFailed } from "../shared/domain-error";
import { transactWrite } from "../shared/transact-write";
import { auditEntryItem, listAuditEntries, newAuditEntry, recordAuditEntry, type AuditLog } from "./audit-log";

let u: UnitStore;
let log: AuditLog;
beforeAll(async () => {
  u = await createUnitStore();
  log = u.audit;
});
afterAll(() => u?.destroy());

const alice = { id: "acct_alice", email: "alice@shop.example" };
const bob = { id: "acct_bob", email: "bob@shop.example" };
const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 12, minute));

describe("audit log", () => {
  it("commits an entry only with the change it records", async () => {
    const entry = newAuditEntry({ operator: alice, action: "stock.adjust", target: "product:tx-test", before: { stock: 1 }, after: { stock: 5 }, result: "succeeded" }, at(0));
    // The change's condition fails: the transaction is cancelled whole, the entry with it.
    await expect(
      transactWrite(u.store.db, [
        { ConditionCheck: { TableName: u.store.tables.products, Key: { id: "no-such-product" }, ConditionExpression: "attribute_exists(id)" } },
        auditEntryItem(log, entry),
      ]),
    ).rejects.toThrow();
    expect((await listAuditEntries(log, { target: "product:tx-test", limit: 10 })).entries).toEqual([]);

    await transactWrite(u.store.db, [
      { ConditionCheck: { TableName: u.store.tables.products, Key: { id: "no-such-product" }, ConditionExpression: "attribute_not_exists(id)" } },
      auditEntryItem(log, entry),
    ]);
    expect((await listAuditEntries(log, { target: "product:tx-test", limit: 10 })).entries).toEqual([entry]);
  });

  it("writes an id once and never overwrites it", async () => {
    const first = newAuditEntry({ id: "aud_once", operator: alice, action: "dlq.delete", target: "queue:once", result: "succeeded" }, at(1));
    const second = newAuditEntry({ id: "aud_once", operator: bob, action: "dlq.delete", target: "queue:once", result: "failed" }, at(2));
    expect(await recordAuditEntry(log, first)).toBe(true);
    expect(await recordAuditEntry(log, second)).toBe(false);
    expect((await listAuditEntries(log, { target: "queue:once", limit: 10 })).entries).toEqual([first]);
  });

  it("lists newest first, by operator or by target, page by page", async () => {
    const written = [];
    for (let minute = 10; minute < 15; minute++) {
      const entry = newAuditEntry({ operator: minute % 2 ? alice : bob, action: "order.refund", target: `order:page-${minute % 3}`, result: "succeeded" }, at(minute));
      await recordAuditEntry(log, entry);
      written.push(entry);
    }
    const newestFirst = [...written].reverse();
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEntries(log, { limit: 2, ...(cursor ? { cursor } : {}) });
      all.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    expect(all.filter((entry) => entry.target.startsWith("order:page-"))).toEqual(newestFirst);

    expect((await listAuditEntries(log, { operatorId: bob.id, limit: 10 })).entries.map((entry) => entry.at)).toEqual(
      newestFirst.filter((entry) => entry.operatorId === bob.id).map((entry) => entry.at),
    );
    expect((await listAuditEntries(log, { target: "order:page-1", limit: 10 })).entries).toEqual(newestFirst.filter((entry) => entry.target === "order:page-1"));
  });

  it("refuses two filters at once and a forged cursor", async () => {
    await expect(listAuditEntries(log, { operatorId: "x", target: "y", limit: 10 })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(listAuditEntries(log, { limit: 10, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(ValidationFailed);
    const forged = Buffer.from(JSON.stringify({ id: "x", at: "y", extra: "z" })).toString("base64url");
    await expect(listAuditEntries(log, { limit: 10, cursor: forged })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it("keeps only the fields given, under a fresh aud_ id unless one is given", () => {
    const bare = newAuditEntry({ operator: alice, action: "dlq.redrive", target: "queue:x", result: "no_change" }, at(20));
    expect(bare).toEqual({ id: expect.stringMatching(/^aud_[0-9a-z]{26}$/), log: "audit", at: at(20).toISOString(), operatorId: alice.id, operatorEmail: alice.email, action: "dlq.redrive", target: "queue:x", result: "no_change" });
    for (const key of ["reason", "before", "after", "error"]) expect(bare, key).not.toHaveProperty(key);
  });

  it("lets an outage through when recording, not as an entry already written", async () => {
    const outage = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const down = { ...log, db: { send: () => Promise.reject(outage) } as unknown as typeof log.db };
    await expect(recordAuditEntry(down, newAuditEntry({ operator: alice, action: "dlq.delete", target: "queue:y", result: "succeeded" }, at(21)))).rejects.toBe(outage);
  });

  it("asks for at least 1 and at most 100 entries a page", async () => {
    const limits: unknown[] = [];
    const counting = { ...log, db: { send: (command: { input: { Limit?: number } }) => (limits.push(command.input.Limit), log.db.send(command as never)) } as unknown as typeof log.db };
    for (const limit of [0, 1, 100, 1000]) await listAuditEntries(counting, { limit });
    expect(limits).toEqual([1, 1, 100, 100]);
  });

  it("says what is wrong with a refused query", async () => {
    await expect(listAuditEntries(log, { operatorId: "x", target: "y", limit: 10 })).rejects.toThrow("Filter the audit log by operator or by target, not both.");
    await expect(listAuditEntries(log, { limit: 10, cursor: "not-a-cursor" })).rejects.toThrow("The cursor is not valid; use the nextCursor of a previous page.");
  });
});
