// TransactWriteItems with the retries DynamoDB asks callers to do themselves: a transaction
// that collides with another one on the same item (TransactionConflict) is cancelled whole and
// is safe to resend. Cancellations for failed conditions are the caller's to interpret.
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { ConcurrencyLimit } from "./domain-error";
import { transactionCancellationReasons } from "./dynamodb-errors";

type TransactItems = NonNullable<TransactWriteCommandInput["TransactItems"]>;

const MAX_ATTEMPTS = 8;

export async function transactWrite(db: DynamoDBDocumentClient, items: TransactItems): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const reasons = transactionCancellationReasons(error);
      const conflictOnly =
        reasons !== undefined &&
        reasons.some((r) => r.Code === "TransactionConflict") &&
        !reasons.some((r) => r.Code === "ConditionalCheckFailed");
      const retryable = conflictOnly || (error instanceof Error && error.name === "TransactionInProgressException");
      if (!retryable) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new ConcurrencyLimit("Too many concurrent updates to the same items; please retry.", 1, error);
      }
      // Full jitter spreads the colliding writers apart instead of letting them collide again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
    }
  }
}
