// transactWrite's retry policy on a scripted client (DynamoDB Local cannot be made to collide on
// demand): a cancellation only for conflicts or throttling is resent, up to a limit, with growing capped jittered
// waits; a failed condition or any other error goes back to the caller at once.
import { TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConcurrencyLimit } from "./domain-error";
import { transactWrite } from "./transact-write";
import { instantWaits } from "../../../../test/support/instant-waits";

const items = [{ ConditionCheck: { TableName: "t", Key: { id: "a" }, ConditionExpression: "attribute_exists(id)" } }];

function cancelled(...codes: string[]): Error {
  return Object.assign(new Error("Transaction cancelled"), { name: "TransactionCanceledException", CancellationReasons: codes.map((Code) => ({ Code })) });
}

/** A client that answers each send with the next scripted outcome (an error to throw, or success). */
function scripted(...outcomes: (Error | "ok")[]) {
  const sent: unknown[] = [];
  const db = {
    send: async (command: unknown) => {
      sent.push(command);
      const next = outcomes.length > 1 ? outcomes.shift()! : outcomes[0]!;
      if (next !== "ok") throw next;
      return {};
    },
  };
  return { db: db as unknown as DynamoDBDocumentClient, sent };
}

/** Runs every backoff wait at once and records how long it would have been. */
function recordWaits(random: number) {
  vi.spyOn(Math, "random").mockReturnValue(random);
  return instantWaits();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("transactWrite", () => {
  it("sends the items once when the transaction commits", async () => {
    const { db, sent } = scripted("ok");
    await transactWrite(db, items);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(TransactWriteCommand);
    expect((sent[0] as TransactWriteCommand).input).toEqual({ TransactItems: items });
  });

  it("resends a transaction cancelled only for conflicts, or still in progress", async () => {
    recordWaits(0);
    const conflict = scripted(cancelled("None", "TransactionConflict"), cancelled("TransactionConflict"), "ok");
    await transactWrite(conflict.db, items);
    expect(conflict.sent).toHaveLength(3);

    // A partition over its write rate cancels the transaction (the SDK does not retry that).
    const throttled = scripted(cancelled("None", "ThrottlingError"), cancelled("ProvisionedThroughputExceeded", "None"), cancelled("ThrottlingError", "TransactionConflict"), "ok");
    await transactWrite(throttled.db, items);
    expect(throttled.sent).toHaveLength(4);

    // A reason without a code (an item that did not fail) does not stand in the way of a resend.
    const uncoded = scripted(Object.assign(new Error("Transaction cancelled"), { name: "TransactionCanceledException", CancellationReasons: [{}, { Code: "TransactionConflict" }] }), "ok");
    await transactWrite(uncoded.db, items);
    expect(uncoded.sent).toHaveLength(2);

    const inProgress = scripted(Object.assign(new Error("in progress"), { name: "TransactionInProgressException" }), "ok");
    await transactWrite(inProgress.db, items);
    expect(inProgress.sent).toHaveLength(2);
  });

  it("waits longer after each conflict, never more than a second, jittered", async () => {
    const waits = recordWaits(0.5);
    const { db } = scripted(cancelled("TransactionConflict"));
    await expect(transactWrite(db, items)).rejects.toBeInstanceOf(ConcurrencyLimit);
    expect(waits).toEqual([20, 40, 80, 160, 320, 500, 500]);
  });

  it("gives up after eight attempts with ConcurrencyLimit, keeping the last error", async () => {
    recordWaits(0);
    const last = cancelled("TransactionConflict");
    const { db, sent } = scripted(last);
    const error = await transactWrite(db, items).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(sent).toHaveLength(8);
    expect(error).toBeInstanceOf(ConcurrencyLimit);
    expect(error).toMatchObject({ code: "CONCURRENCY_LIMIT", retryAfterSeconds: 1, cause: last });
    expect((error as Error).message).toMatch(/please retry/);
  });

  it.each([
    ["a failed condition, even alongside a conflict", cancelled("ConditionalCheckFailed", "TransactionConflict")],
    ["a failed condition", cancelled("None", "ConditionalCheckFailed")],
    ["a failed condition alongside throttling", cancelled("ThrottlingError", "ConditionalCheckFailed")],
    ["a cancellation for another reason", cancelled("ValidationError")],
    ["a cancellation in which no item names a reason", cancelled("None", "None")],
    ["throttling alongside another reason", cancelled("ThrottlingError", "ValidationError")],
    ["a cancellation without reasons", Object.assign(new Error("cancelled"), { name: "TransactionCanceledException" })],
    ["any other error", Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" })],
  ])("hands back %s at once", async (_name, refusal) => {
    const waits = recordWaits(0);
    const { db, sent } = scripted(refusal, "ok");
    await expect(transactWrite(db, items)).rejects.toBe(refusal);
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
