// Telling DynamoDB's "the state was not what we expected" failures from every other error, by name.
import { describe, expect, it } from "vitest";
import { isConditionalCheckFailed, transactionCancellationReasons } from "./dynamodb-errors";

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name }, extra);

describe("isConditionalCheckFailed", () => {
  it("is true only for DynamoDB's ConditionalCheckFailedException", () => {
    expect(isConditionalCheckFailed(named("ConditionalCheckFailedException"))).toBe(true);
    expect(isConditionalCheckFailed(named("TransactionCanceledException"))).toBe(false);
    expect(isConditionalCheckFailed(new Error("ConditionalCheckFailedException"))).toBe(false);
    expect(isConditionalCheckFailed({ name: "ConditionalCheckFailedException" })).toBe(false);
  });
});

describe("transactionCancellationReasons", () => {
  it("gives a cancelled transaction's reasons in the order its items were sent", () => {
    const reasons = [{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed" }];
    expect(transactionCancellationReasons(named("TransactionCanceledException", { CancellationReasons: reasons }))).toEqual(reasons);
  });

  it("gives no reasons, not undefined, for a cancellation that carries none", () => {
    expect(transactionCancellationReasons(named("TransactionCanceledException"))).toEqual([]);
  });

  it("is undefined for anything that is not a cancelled transaction", () => {
    expect(transactionCancellationReasons(named("ConditionalCheckFailedException"))).toBeUndefined();
    expect(transactionCancellationReasons(named("ProvisionedThroughputExceededException", { CancellationReasons: [{ Code: "ThrottlingError" }] }))).toBeUndefined();
    expect(transactionCancellationReasons({ name: "TransactionCanceledException", CancellationReasons: [] })).toBeUndefined();
    expect(transactionCancellationReasons(undefined)).toBeUndefined();
  });
});
