import { describe, expect, it } from "vitest";
import { OrderId } from "../orders/order";
import { randomId } from "./random-id";

describe("randomId", () => {
  it("makes 26-character base32 ids that the order id schema accepts", () => {
    const id = randomId("ord");
    expect(id).toMatch(/^ord_[0-9a-z]{26}$/);
    expect(OrderId.safeParse(id).success).toBe(true);
  });

  it("does not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => randomId("ord")));
    expect(ids.size).toBe(10_000);
  });
});
