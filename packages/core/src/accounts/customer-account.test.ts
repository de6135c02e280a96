// The customer behind a verified email, on DynamoDB Local (the conditional put is what makes
// concurrent first sign-ins agree): one random id per email whatever its spelling, kept across
// sign-ins, and the operator role only for an allowlisted email.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, type UnitStore } from "../../../../test/support/unit-store";
import { customerIdFor, principalForVerifiedEmail } from "./customer-account";
import { CustomerId } from "./principal";
import type { AccountsStore } from "./sign-in-code";

let u: UnitStore;
let accounts: AccountsStore;
beforeAll(async () => {
  u = await createUnitStore();
  accounts = u.accounts;
});
afterAll(() => u?.destroy());

/** The accounts store with its client wrapped: `around` sees each command first and may answer it itself. */
function intercepted(around: (command: unknown, send: (command: unknown) => Promise<unknown>) => Promise<unknown>): AccountsStore {
  const send = (command: unknown) => accounts.db.send(command as never) as Promise<unknown>;
  return { ...accounts, db: { send: (command: unknown) => around(command, send) } as unknown as DynamoDBDocumentClient };
}

const unique = () => `ada-${Math.random().toString(36).slice(2, 10)}@example.com`;

describe("customerIdFor", () => {
  it("creates a random customer id on the first sign-in and returns the same one after, whatever the spelling", async () => {
    const email = unique();
    const first = await customerIdFor(accounts, email);
    expect(CustomerId.safeParse(first).success).toBe(true);
    expect(first).not.toContain(email.split("@")[0]);
    expect(await customerIdFor(accounts, `  ${email.toUpperCase()} `)).toBe(first);
    expect(await customerIdFor(accounts, unique())).not.toBe(first);
  });

  it("gives concurrent first sign-ins of one email one id", async () => {
    const email = unique();
    const ids = await Promise.all(Array.from({ length: 8 }, () => customerIdFor(accounts, email)));
    expect(new Set(ids).size).toBe(1);
  });

  it("stores the account under the normalized email with its creation time", async () => {
    const email = unique();
    const now = new Date("2026-11-30T12:00:00.000Z");
    const id = await customerIdFor(accounts, email.toUpperCase(), now);
    const { Item } = await u.store.db.send(new GetCommand({ TableName: accounts.tables.accounts, Key: { id: `customer#${email}` } }));
    expect(Item).toEqual({ id: `customer#${email}`, customerId: id, email, createdAt: now.toISOString() });
  });
});

describe("customerIdFor when the store misbehaves", () => {
  it("passes a failed write through instead of reading an account that was never made", async () => {
    const outage = Object.assign(new Error("DynamoDB is unavailable"), { name: "InternalServerError" });
    const failing = intercepted((command, send) => (command instanceof PutCommand ? Promise.reject(outage) : send(command)));
    await expect(customerIdFor(failing, unique())).rejects.toBe(outage);
  });

  it("reads a returning customer's id with a strongly consistent read (a racing first sign-in may have just written it)", async () => {
    const email = unique();
    const id = await customerIdFor(accounts, email);
    const sent: unknown[] = [];
    const recording = intercepted((command, send) => (sent.push(command), send(command)));
    expect(await customerIdFor(recording, email)).toBe(id);
    const read = sent.find((command) => command instanceof GetCommand) as GetCommand;
    expect(read.input).toMatchObject({ Key: { id: `customer#${email}` }, ConsistentRead: true });
  });

  it("says so when the account vanishes between the refused create and the read", async () => {
    const email = unique();
    await customerIdFor(accounts, email);
    const vanishing = intercepted(async (command, send) => {
      if (command instanceof GetCommand) await send(new DeleteCommand({ TableName: accounts.tables.accounts, Key: { id: `customer#${email}` } }));
      return send(command);
    });
    await expect(customerIdFor(vanishing, email)).rejects.toThrow("The customer record vanished between a conditional put and its read.");
  });
});

describe("principalForVerifiedEmail", () => {
  it("is a customer, and also an operator only when the normalized email is allowlisted", async () => {
    const boss = unique();
    const operators = new Set([boss]);
    const asOperator = await principalForVerifiedEmail(accounts, ` ${boss.toUpperCase()}`, operators);
    expect(asOperator).toEqual({ customerId: await customerIdFor(accounts, boss), email: boss, roles: ["customer", "operator"] });
    const shopper = unique();
    expect(await principalForVerifiedEmail(accounts, shopper, operators)).toEqual({ customerId: expect.stringMatching(/^cus_/), email: shopper, roles: ["customer"] });
  });
});
