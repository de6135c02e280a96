import { describe, expect, it } from "vitest";
import { indexWriteUnits, itemReadUnits, itemSize, itemWriteUnits, numberSize, queryReadUnits, valueSize, type Item } from "./dynamodb-billing";

const KB = 1024;

describe("item sizes (DynamoDB item sizes and formats)", () => {
  it("counts UTF-8 bytes of names and strings, raw bytes of binaries", () => {
    expect(itemSize({ id: { S: "abc" } })).toBe(2 + 3);
    // "é" is two bytes in UTF-8, "名" three.
    expect(itemSize({ é: { S: "名" } })).toBe(2 + 3);
    // Binary is sent as base64, billed at its raw length: "AAEC" is 3 bytes.
    expect(itemSize({ b: { B: "AAEC" } })).toBe(1 + 3);
    expect(itemSize({ b: { B: new Uint8Array([1, 2, 3, 4]) } })).toBe(1 + 4);
  });

  it("numbers: one byte per two significant digits plus one, leading and trailing zeroes trimmed", () => {
    expect(numberSize("123")).toBe(3);
    expect(numberSize("1234")).toBe(3);
    expect(numberSize("12345")).toBe(4);
    expect(numberSize("-0012.3400")).toBe(3); // 1234
    expect(numberSize("1000000")).toBe(2); // 1
    expect(numberSize("0.000015")).toBe(2); // 15
  });

  it("null and Boolean are one byte; lists and maps 3 bytes plus 1 per element", () => {
    expect(valueSize({ BOOL: false })).toBe(1);
    expect(valueSize({ NULL: true })).toBe(1);
    expect(valueSize({ L: [] })).toBe(3);
    expect(valueSize({ M: {} })).toBe(3);
    // 3 + (1 + 1) + (1 + 2): the elements "a" and the number 12.
    expect(valueSize({ L: [{ S: "a" }, { N: "12" }] })).toBe(3 + 2 + 3);
    // Map elements carry their names: 3 + (1 + "qty" 3 + number 7 → 2).
    expect(valueSize({ M: { qty: { N: "7" } } })).toBe(3 + 1 + 3 + 2);
    expect(valueSize({ SS: ["ab", "c"] })).toBe(3);
  });
});

describe("read units (capacity unit consumption for reads)", () => {
  it("rounds each item up to 4 KB: a 3,500-byte item costs as much as a 4 KB one", () => {
    expect(itemReadUnits(3_500, "strong")).toBe(1);
    expect(itemReadUnits(4 * KB, "strong")).toBe(1);
    expect(itemReadUnits(4 * KB + 1, "strong")).toBe(2);
  });

  it("an 8 KB item: 2 units strongly consistent, 1 eventually consistent, 4 transactional", () => {
    expect(itemReadUnits(8 * KB, "strong")).toBe(2);
    expect(itemReadUnits(8 * KB, "eventual")).toBe(1);
    expect(itemReadUnits(8 * KB, "transactional")).toBe(4);
  });

  it("GetItem of a 10 KB item is rounded to 12 KB; an item that is not there still costs the minimum", () => {
    expect(itemReadUnits(10 * KB, "strong")).toBe(3);
    expect(itemReadUnits(0, "strong")).toBe(1);
    expect(itemReadUnits(0, "eventual")).toBe(0.5);
  });

  it("BatchGetItem rounds each item: 1.5 KB + 6.5 KB is 12 KB, not 8 KB", () => {
    const units = itemReadUnits(1.5 * KB, "strong") + itemReadUnits(6.5 * KB, "strong");
    expect(units).toBe(3);
  });

  it("Query sums the items read before rounding: 10 items of 4,080 bytes (40.8 KB) round to 44 KB", () => {
    const sizes = Array.from({ length: 10 }, () => 4_080);
    expect(queryReadUnits(sizes, "strong")).toBe(10);
    const sizes408 = Array.from({ length: 10 }, () => 0.408 * 10 * KB);
    expect(queryReadUnits(sizes408, "strong")).toBe(11);
    expect(queryReadUnits(sizes408, "eventual")).toBe(5.5);
    expect(queryReadUnits([], "eventual")).toBe(0.5);
  });
});

describe("write units (capacity unit consumption for writes)", () => {
  it("rounds up to 1 KB: a 2 KB item costs 2 units, 4 in a transaction", () => {
    expect(itemWriteUnits({ after: 2 * KB }, false)).toBe(2);
    expect(itemWriteUnits({ after: 2 * KB }, true)).toBe(4);
    expect(itemWriteUnits({ after: 500 }, false)).toBe(1);
    expect(itemWriteUnits({ after: 1_025 }, false)).toBe(2);
  });

  it("an update is billed on the larger of the item before and after, even if it shrinks it", () => {
    expect(itemWriteUnits({ before: 3 * KB, after: 200 }, false)).toBe(3);
    expect(itemWriteUnits({ before: 200, after: 3 * KB }, false)).toBe(3);
  });

  it("a delete, or a write whose condition failed, costs the existing item's size and at least one unit", () => {
    expect(itemWriteUnits({ before: 2.5 * KB }, false)).toBe(3);
    expect(itemWriteUnits({}, false)).toBe(1);
  });

  it("the issue's two-item transaction: two small items cost 4 units, where DynamoDB Local reported 2", () => {
    const units = itemWriteUnits({ before: 120, after: 120 }, true) + itemWriteUnits({ after: 600 }, true);
    expect(units).toBe(4);
  });
});

describe("global secondary index writes", () => {
  const index = { name: "pendingByExpiry", hashKey: "pendingShard", rangeKey: "expiresAt" };
  const pending: Item = { id: { S: "ord_1" }, status: { S: "PENDING_PAYMENT" }, pendingShard: { S: "3" }, expiresAt: { N: "1790000000" } };
  const confirmed: Item = { id: { S: "ord_1" }, status: { S: "CONFIRMED" } };

  it("an item entering a sparse index is one write, leaving it one write", () => {
    expect(indexWriteUnits(index, undefined, pending)).toBe(1);
    expect(indexWriteUnits(index, pending, confirmed)).toBe(1);
  });

  it("an item without the index's key attributes costs the index nothing", () => {
    expect(indexWriteUnits(index, undefined, confirmed)).toBe(0);
    expect(indexWriteUnits(index, confirmed, { ...confirmed, status: { S: "REFUNDED" } })).toBe(0);
  });

  it("a changed index key is a delete plus a put; a changed attribute under the same key one write; no change none", () => {
    expect(indexWriteUnits(index, pending, { ...pending, expiresAt: { N: "1790000600" } })).toBe(2);
    expect(indexWriteUnits(index, pending, { ...pending, note: { S: "x" } })).toBe(1);
    expect(indexWriteUnits(index, pending, { ...pending })).toBe(0);
  });

  it("index entries are rounded up to 1 KB like table writes", () => {
    const large: Item = { ...pending, blob: { S: "x".repeat(1_500) } };
    expect(indexWriteUnits(index, undefined, large)).toBe(2);
  });
});
