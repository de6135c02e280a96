// `npm run load -- --hot-sku`: the same flash sale offered twice to one product on a local stack
// that enforces DynamoDB's per-partition write rate (scaled down, see BENCHMARKS.md): first with its
// stock in one shard (one partition key takes every reservation), then resharded into N under the
// same limit. Reports for each: reservations/s, throttled requests, order-create latency, and the
// usual database verdict (oversold 0, lost 0).
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { reshardStock } from "@shopwave/core/inventory/reshard-stock";
import { setStock } from "../support/product-stock";
import { runFlashSale, type Arrival, type FlashSaleProgress } from "./flash-sale";
import { buildLoadReport, type LoadReport } from "./load-report";
import { queueDepth, readDatabaseVerdict } from "./verdict";

export interface HotSkuOptions {
  apiUrl: string;
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  tables: { products: string; orders: string };
  dlqUrl: string;
  /** The proxy in front of DynamoDB Local that enforces the limit (its stats endpoint). */
  dynamoDbProxyUrl: string;
  writeUnitsPerSecond: number;
  productId: string;
  shardCounts: readonly number[];
  shoppers: number;
  stock: number;
  concurrency: number;
  arrival: Arrival;
  runId: string;
  onProgress?: (progress: FlashSaleProgress) => void;
  onRunStart?: (shards: number) => void;
  onRunEnd?: () => void;
}

export interface HotSkuRun {
  shards: number;
  reservations: number;
  /** Reservations per second from the doors opening to the last successful reservation. */
  reservationsPerSecond: number;
  /** DynamoDB requests the partition limit refused during the run (each SDK attempt counts), by operation. */
  throttledRequests: number;
  throttledByOperation: Record<string, number>;
  orderCreateP50Ms: number | null;
  orderCreateP99Ms: number | null;
  /** 503s the shoppers saw (throttling that outlasted every retry), and other errors. */
  errors: number;
  oversold: number | null;
  lost: number | null;
  verdict: LoadReport["verdict"];
  report: LoadReport;
}

async function throttledSoFar(proxyUrl: string): Promise<Record<string, number>> {
  const response = await fetch(`${proxyUrl}/_shopwave/throttled-writes`);
  if (!response.ok) throw new Error(`The DynamoDB proxy did not report its throttling (${response.status}).`);
  return ((await response.json()) as { throttledWrites: Record<string, number> }).throttledWrites;
}

export async function runHotSkuComparison(options: HotSkuOptions): Promise<HotSkuRun[]> {
  const runs: HotSkuRun[] = [];
  for (const shards of options.shardCounts) {
    // The single counter becomes N shards as it would on a live stage (reshard-stock.ts).
    await reshardStock({ db: options.db, tables: options.tables }, options.productId, shards);
    await setStock(options.db, options.tables.products, options.productId, options.stock);
    const stockResetAt = new Date();
    const dlqBefore = await queueDepth(options.sqs, options.dlqUrl);
    const throttledBefore = await throttledSoFar(options.dynamoDbProxyUrl);
    options.onRunStart?.(shards);
    const run = await runFlashSale({
      apiUrl: options.apiUrl,
      productId: options.productId,
      shoppers: options.shoppers,
      concurrency: options.concurrency,
      arrival: options.arrival,
      runId: `${options.runId}-${shards}`,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }).finally(() => options.onRunEnd?.());
    const throttledAfter = await throttledSoFar(options.dynamoDbProxyUrl);
    const database = await readDatabaseVerdict(
      { db: options.db, tables: options.tables },
      { productId: options.productId, stockAtStart: options.stock, stockResetAt, paidOrderIds: run.results.filter((r) => r.paid && r.orderId).map((r) => r.orderId!) },
    );
    const report = buildLoadReport({
      target: `local stack (${options.apiUrl}), ${shards} stock shard${shards === 1 ? "" : "s"}, ${options.writeUnitsPerSecond} write units/s per partition`,
      settings: { productId: options.productId, shoppers: options.shoppers, stock: options.stock, concurrency: options.concurrency, arrival: options.arrival },
      run,
      database,
      dlq: { before: dlqBefore, after: await queueDepth(options.sqs, options.dlqUrl) },
      notChecked: [],
    });
    const reserved = run.samples.filter((s) => s.step === "orderCreate" && s.ok);
    const lastReservationS = Math.max(0, ...reserved.map((s) => s.atMs)) / 1000;
    const throttledByOperation = Object.fromEntries(
      Object.entries(throttledAfter)
        .map(([operation, count]) => [operation, count - (throttledBefore[operation] ?? 0)] as const)
        .filter(([, count]) => count > 0),
    );
    runs.push({
      shards,
      reservations: reserved.length,
      reservationsPerSecond: lastReservationS > 0 ? Math.round((reserved.length / lastReservationS) * 10) / 10 : 0,
      throttledRequests: Object.values(throttledByOperation).reduce((sum, n) => sum + n, 0),
      throttledByOperation,
      orderCreateP50Ms: report.latency.orderCreate.p50,
      orderCreateP99Ms: report.latency.orderCreate.p99,
      errors: report.errors,
      oversold: report.oversold,
      lost: report.lost,
      verdict: report.verdict,
      report,
    });
  }
  return runs;
}

export function formatHotSkuComparison(runs: readonly HotSkuRun[], options: Pick<HotSkuOptions, "writeUnitsPerSecond" | "shoppers" | "stock" | "productId">): string {
  const ms = (value: number | null) => (value === null ? "–" : `${value.toFixed(0)} ms`);
  const row = (cells: readonly string[]) => `  ${cells[0]!.padEnd(8)}${cells.slice(1).map((c) => c.padStart(13)).join("")}`;
  return [
    `Hot SKU: ${options.shoppers} shoppers for ${options.stock} units of ${options.productId}, DynamoDB limited to ${options.writeUnitsPerSecond} write units/s per partition key`,
    `(${options.writeUnitsPerSecond} stands for AWS's 1,000 WCU/s per partition; a reservation or confirmation is a transaction: 2 units on its shard)`,
    "",
    row(["shards", "reserved", "reserved/s", "throttled", "create p50", "create p99", "errors", "oversold", "lost", "verdict"]),
    ...runs.map((r) =>
      row([
        String(r.shards),
        String(r.reservations),
        r.reservationsPerSecond.toFixed(1),
        String(r.throttledRequests),
        ms(r.orderCreateP50Ms),
        ms(r.orderCreateP99Ms),
        String(r.errors),
        String(r.oversold ?? "–"),
        String(r.lost ?? "–"),
        r.verdict.toUpperCase(),
      ]),
    ),
    "",
    ...runs.map((r) => `  ${r.shards} shard${r.shards === 1 ? "" : "s"}: throttled by operation ${JSON.stringify(r.throttledByOperation)}${r.errors > 0 ? `, errors ${JSON.stringify(r.report.errorsByKind)}` : ""}`),
  ].join("\n");
}
