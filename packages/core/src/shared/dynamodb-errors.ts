// Recognising DynamoDB's conditional-check and transaction-cancellation failures by name,
// so core reacts to "the state was not what we expected" without string-matching messages.
import type { CancellationReason } from "@aws-sdk/client-dynamodb";

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** Per-item reasons of a cancelled TransactWriteItems, in the order the items were sent. */
export function transactionCancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (error instanceof Error && error.name === "TransactionCanceledException") {
    return (error as Error & { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  }
  return undefined;
}
