// The customer behind a verified email: found, or created on the first sign-in with a random id
// (never derived from the email, so ids reveal nothing). Concurrent first sign-ins agree on one
// id through a conditional put. Roles are decided here at mint time: every customer is a
// "customer", and an email on the stage's operator allowlist is also an "operator".
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../shared/dynamodb-errors";
import { randomId } from "../shared/random-id";
import { normalizeEmail, type Principal, type Role } from "./principal";
import type { AccountsStore } from "./sign-in-code";

const customerKey = (email: string) => `customer#${email}`;

export async function customerIdFor(store: Pick<AccountsStore, "db" | "tables">, verifiedEmail: string, now = new Date()): Promise<string> {
  const email = normalizeEmail(verifiedEmail);
  const customerId = randomId("cus");
  try {
    await store.db.send(
      new PutCommand({
        TableName: store.tables.accounts,
        Item: { id: customerKey(email), customerId, email, createdAt: now.toISOString() },
        ConditionExpression: "attribute_not_exists(id)",
      }),
    );
    return customerId;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  const { Item } = await store.db.send(new GetCommand({ TableName: store.tables.accounts, Key: { id: customerKey(email) }, ConsistentRead: true }));
  if (typeof Item?.customerId !== "string") throw new Error("The customer record vanished between a conditional put and its read.");
  return Item.customerId;
}

/** The principal a token is minted for, after the email has been verified. */
export async function principalForVerifiedEmail(
  store: Pick<AccountsStore, "db" | "tables">,
  verifiedEmail: string,
  operatorEmails: ReadonlySet<string>,
): Promise<Principal> {
  const email = normalizeEmail(verifiedEmail);
  const roles: Role[] = operatorEmails.has(email) ? ["customer", "operator"] : ["customer"];
  return { customerId: await customerIdFor(store, email), email, roles };
}
