// TransactWriteItems with the retries DynamoDB asks callers to do themselves: a transaction
// that collides with another one on the same item (TransactionConflict), or finds an item's
// partition over its write rate (ThrottlingError), is cancelled whole and is safe to resend.
// Cancellations for failed conditions are the caller's to interpret.
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { ConcurrencyLimit } from "./domain-error";
import { transactionCancellationReasons } from "./dynamodb-errors";

type TransactItems = NonNullable<TransactWriteCommandInput["TransactItems"]>;

const MAX_ATTEMPTS = 8;

const RETRYABLE_CANCELLATIONS = new Set(["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"]);

export async function transactWrite(db: DynamoDBDocumentClient, items: TransactItems): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const reasons = transactionCancellationReasons(error);
      // Cancelled only because an item was busy: another transaction held it, or its partition was
      // over its write rate. The SDK retries a throttled single write itself, but a throttled
      // transaction comes back as a cancellation (ThrottlingError on on-demand tables,
      // ProvisionedThroughputExceeded on provisioned ones), which it does not retry.
      const busyOnly =
        reasons !== undefined &&
        reasons.some((r) => r.Code !== undefined && RETRYABLE_CANCELLATIONS.has(r.Code)) &&
        reasons.every((r) => r.Code === undefined || r.Code === "None" || RETRYABLE_CANCELLATIONS.has(r.Code));
      const retryable = busyOnly || (error instanceof Error && error.name === "TransactionInProgressException");
      if (!retryable) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new ConcurrencyLimit("Too many concurrent updates to the same items; please retry.", 1, error);
      }
      // Full jitter spreads the colliding writers apart instead of letting them collide again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
    }
  }
}
