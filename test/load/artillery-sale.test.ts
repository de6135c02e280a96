// The Artillery scenario, run by the installed Artillery against the local stack (`-e smoke`: 40
// shoppers over 5 s for 10 units) and judged from the database, as `npm run load:artillery` does.
// Also: the verdict fails on an oversell or a lost order and is not a pass when it proves nothing.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLASH_SALE_PRODUCT_ID } from "@shopwave/local/stack/seed-catalog";
import { startTestStack, type TestStack } from "../support/test-stack";
import { judgeArtillerySale, runArtillerySale } from "./artillery-sale";
import type { DatabaseVerdict } from "./verdict";

describe("the Artillery flash sale on the local stack", () => {
  let t: TestStack;
  let outDir: string;
  beforeAll(async () => {
    t = await startTestStack();
    outDir = mkdtempSync(path.join(os.tmpdir(), "shopwave-artillery-"));
  });
  afterAll(async () => {
    await t?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("sells exactly the 10 units: each paid order CONFIRMED, none oversold, none lost, nothing in the DLQ", async () => {
    const stock = 10;
    const result = await runArtillerySale(
      { apiUrl: t.stack.urls.api, db: t.db, sqs: t.sqs, tables: t.stack.tableNames, dlqUrl: t.stack.queueUrls.orderEventsDlq },
      { environment: "smoke", productId: FLASH_SALE_PRODUCT_ID, stock, outDir },
    );
    const { counters } = result;
    expect(result.problems).toEqual([]);
    expect(result.verdict).toBe("pass");
    expect(counters["vusers.failed"] ?? 0).toBe(0);
    expect(counters["vusers.created"]).toBeGreaterThan(stock);
    expect(counters).toMatchObject({ "flash_sale.reserved": stock, "flash_sale.paid": stock, "flash_sale.confirmed": stock });
    expect(counters["flash_sale.sold_out"]).toBe(counters["vusers.created"]! - stock);
    expect(result.paidOrderIds).toHaveLength(stock);
    expect(result.database).toMatchObject({ oversold: 0, lost: 0, unitsSold: stock, stockLeft: 0, unitsUnaccounted: 0, ordersByStatus: { CONFIRMED: stock } });
    expect(result.dlqDepth).toBe(0);
  });
});

describe("judging an Artillery sale", () => {
  const clean: DatabaseVerdict = { unitsSold: 10, oversold: 0, lost: 0, lostOrderIds: [], stockLeft: 0, unitsUnaccounted: 0, ordersByStatus: { CONFIRMED: 10 } };
  const counters = { "flash_sale.reserved": 10, "flash_sale.paid": 2 };
  const paidOrderIds = ["ord_a", "ord_b"];

  it("passes when nothing is oversold or lost and every payment was logged", () => {
    expect(judgeArtillerySale({ counters, paidOrderIds, database: clean })).toEqual({ verdict: "pass", problems: [] });
  });

  it("fails on an oversell or a lost paid order", () => {
    expect(judgeArtillerySale({ counters, paidOrderIds, database: { ...clean, oversold: 1, unitsSold: 11 } }).verdict).toBe("fail");
    const lost = judgeArtillerySale({ counters, paidOrderIds, database: { ...clean, lost: 1, lostOrderIds: ["ord_b"] } });
    expect(lost).toEqual({ verdict: "fail", problems: ["lost 1: ord_b"] });
  });

  it("is incomplete when the paid-order log disagrees with Artillery's count, or nobody got a reservation", () => {
    expect(judgeArtillerySale({ counters, paidOrderIds: ["ord_a"], database: clean }).verdict).toBe("incomplete");
    expect(judgeArtillerySale({ counters: {}, paidOrderIds: [], database: clean }).verdict).toBe("incomplete");
  });
});
