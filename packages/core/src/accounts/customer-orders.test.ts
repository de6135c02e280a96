// A signed-in customer's orders on DynamoDB Local (the byEmail index): theirs only, newest first,
// guest orders with their email included, paged by a cursor that cannot be pointed at another
// email; one order by id, and anyone else's is the same 404 as none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { encodeCursor } from "../catalog/page-cursor";
import { NotFound, ValidationFailed } from "../shared/domain-error";
import { listCustomerOrders, MAX_ORDERS_PAGE, readCustomerOrder } from "./customer-orders";
import type { Principal } from "./principal";

let u: UnitStore;
const ada: Principal = { customerId: "cus_0000000000000000000000000a", email: "Ada@Example.com", roles: ["customer"] };
const bob: Principal = { customerId: "cus_0000000000000000000000000b", email: "bob@example.com", roles: ["customer"] };
const adas: string[] = [];
let bobs: string;
beforeAll(async () => {
  u = await createUnitStore();
  const product = testProduct();
  for (const [minute, email] of [[1, "ada@example.com"], [2, "bob@example.com"], [3, "ada@example.com"], [4, "ada@example.com"]] as const) {
    const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: 2_000_000_000, now: new Date(`2026-11-30T10:0${minute}:00.000Z`) });
    await u.putOrder({ ...record, email });
    if (email === "bob@example.com") bobs = record.id;
    else adas.push(record.id);
  }
});
afterAll(() => u?.destroy());

describe("listCustomerOrders", () => {
  it("lists only the customer's orders, newest first, a page at a time", async () => {
    const first = await listCustomerOrders(u.store, ada, { limit: 2 });
    expect(first.items.map((order) => order.id)).toEqual([adas[2], adas[1]]);
    expect(first.items[0]).not.toHaveProperty("accessTokenHash");
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await listCustomerOrders(u.store, ada, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((order) => order.id)).toEqual([adas[0]]);
    expect(second.nextCursor).toBeUndefined();
    expect((await listCustomerOrders(u.store, bob, { limit: 10 })).items.map((order) => order.id)).toEqual([bobs]);
  });

  it("refuses a cursor naming another email, or one that is not a page key, as a validation error", async () => {
    const first = await listCustomerOrders(u.store, ada, { limit: 1 });
    await expect(listCustomerOrders(u.store, bob, { limit: 1, cursor: first.nextCursor! })).rejects.toThrow(new ValidationFailed("The cursor is not valid; use the nextCursor of a previous page."));
    const forged = encodeCursor({ id: adas[0]!, email: "ada@example.com", createdAt: "" });
    await expect(listCustomerOrders(u.store, ada, { limit: 1, cursor: forged })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(listCustomerOrders(u.store, ada, { limit: 1, cursor: "%%%" })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it("never answers more than a page's maximum, whatever limit is asked", async () => {
    const carol: Principal = { customerId: "cus_0000000000000000000000000c", email: "carol@example.com", roles: ["customer"] };
    const product = testProduct();
    await Promise.all(
      Array.from({ length: MAX_ORDERS_PAGE + 1 }, async () => {
        const { record } = pendingOrderRecord(u.store, { lines: [{ product, quantity: 1 }], expiresAt: 2_000_000_000 });
        await u.putOrder({ ...record, email: carol.email });
      }),
    );
    const page = await listCustomerOrders(u.store, carol, { limit: 1000 });
    expect(page.items).toHaveLength(MAX_ORDERS_PAGE);
    expect(page.nextCursor).toEqual(expect.any(String));
  });
});

describe("readCustomerOrder", () => {
  it("answers the customer's own order, whatever the case of their email", async () => {
    expect(await readCustomerOrder(u.store, ada, adas[0]!)).toMatchObject({ id: adas[0], status: "PENDING_PAYMENT" });
  });

  it("answers someone else's order, an unknown one and a malformed id with the same NotFound", async () => {
    // "" and an over-long id would be refused by DynamoDB itself (a 500) if they reached the read.
    for (const id of [bobs, "ord_00000000000000000000000000", "not-an-id", "", `ord_${"0".repeat(2100)}`]) {
      await expect(readCustomerOrder(u.store, ada, id)).rejects.toThrow(new NotFound("Order"));
      await expect(readCustomerOrder(u.store, ada, id)).rejects.toThrow("Order was not found.");
    }
  });
});
