// The customer behind a verified email, on DynamoDB Local (the conditional put is what makes
// concurrent first sign-ins agree): one random id per email whatever its spelling, kept across
// sign-ins, and the operator role only for an allowlisted email.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
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
