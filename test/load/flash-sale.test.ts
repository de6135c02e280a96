// Correctness under load: a small flash sale on the local stack, judged from the database.
// Exactly the stock is sold and confirmed, nothing is oversold, no paid order is lost, nothing
// lands in the DLQ. No timing is asserted (the machine is shared and timing is noise here).
import { afterAll, beforeAll, expect, it } from "vitest";
import { FLASH_SALE_PRODUCT_ID } from "@shopwave/local/stack/seed-catalog";
import { startTestStack, type TestStack } from "../support/test-stack";
import { runFlashSale } from "./flash-sale";
import { buildLoadReport } from "./load-report";
import { queueDepth, readDatabaseVerdict } from "./verdict";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.stop());

it("sells 20 units to 200 racing shoppers: 20 confirmed, none oversold, none lost", async () => {
  const stock = 20;
  const shoppers = 200;
  const stockResetAt = new Date();
  await t.setStock(FLASH_SALE_PRODUCT_ID, stock);

  const run = await runFlashSale({
    apiUrl: t.stack.urls.api,
    productId: FLASH_SALE_PRODUCT_ID,
    shoppers,
    concurrency: 32,
    arrival: { kind: "burst" },
    runId: "vitest",
  });
  const reading = await readDatabaseVerdict(
    { db: t.db, tables: t.stack.tableNames },
    { productId: FLASH_SALE_PRODUCT_ID, stockAtStart: stock, stockResetAt, paidOrderIds: run.results.filter((r) => r.paid).map((r) => r.orderId!) },
  );
  const dlq = await queueDepth(t.sqs, t.stack.queueUrls.orderEventsDlq);
  const report = buildLoadReport({
    target: t.stack.urls.api,
    settings: { productId: FLASH_SALE_PRODUCT_ID, shoppers, stock, concurrency: 32, arrival: { kind: "burst" } },
    run,
    database: reading,
    dlq: { before: 0, after: dlq },
    notChecked: [],
  });

  expect(report.errorsByKind).toEqual({});
  expect(report).toMatchObject({
    ordersAttempted: shoppers,
    ordersReserved: stock,
    ordersRejectedSoldOut: shoppers - stock,
    ordersPaid: stock,
    ordersConfirmed: stock,
    oversold: 0,
    lost: 0,
    dlqDepth: 0,
    verdict: "pass",
  });
  expect(report.confirmationTimedBy).toBe("database");
  expect(reading.verdict).toMatchObject({ unitsSold: stock, stockLeft: 0, unitsUnaccounted: 0, ordersByStatus: { CONFIRMED: stock } });
  expect(report.latency.confirmation.count).toBe(stock);
});

it("sees an oversell and a lost order when the database shows them", async () => {
  // The verdict must be able to fail: fake both defects in the table and read them back.
  const stockResetAt = new Date();
  await t.setStock(FLASH_SALE_PRODUCT_ID, 1);
  const run = await runFlashSale({
    apiUrl: t.stack.urls.api,
    productId: FLASH_SALE_PRODUCT_ID,
    shoppers: 1,
    concurrency: 1,
    arrival: { kind: "burst" },
    runId: "vitest-defect",
  });
  const paid = run.results.filter((r) => r.paid).map((r) => r.orderId!);
  expect(paid).toHaveLength(1);
  // A second unit "sold" beyond the stock of 1, and the paid order knocked back to pending.
  await t.setStock(FLASH_SALE_PRODUCT_ID, -1);
  const { UpdateCommand } = await import("@aws-sdk/lib-dynamodb");
  await t.db.send(
    new UpdateCommand({
      TableName: t.stack.tableNames.orders,
      Key: { id: paid[0] },
      UpdateExpression: "SET #status = :pending",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":pending": "PENDING_PAYMENT" },
    }),
  );
  const { verdict } = await readDatabaseVerdict(
    { db: t.db, tables: t.stack.tableNames },
    { productId: FLASH_SALE_PRODUCT_ID, stockAtStart: 1, stockResetAt, paidOrderIds: paid },
  );
  expect(verdict).toMatchObject({ oversold: 1, lost: 1, lostOrderIds: paid, stockLeft: -1 });
});
