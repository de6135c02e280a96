// `npm run load`: rehearses a flash sale. Starts the local stack in its own process (unless
// --target names a running API), resets the sale item's stock, sends N shoppers through the whole
// purchase, shows live progress, then prints the report, writes it as JSON and HTML, and exits
// non-zero unless the database shows nothing oversold and nothing lost.
//
// Usage: npm run load -- [--shoppers N] [--stock S] [--concurrency C] [--arrival-rate R | --duration D]
//          [--no-meter] [--target URL --products-table T --orders-table T --dlq-url URL] [--hoarders H] [--json FILE] [--report FILE]
//        npm run load -- --hot-sku [--shards N] [--partition-writes W] [--shoppers N] [--stock S]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SingleBar } from "cli-progress";
import { repoRoot } from "@shopwave/local/aws/handler-loader";
import { FLASH_SALE_PRODUCT_ID } from "@shopwave/local/stack/seed-catalog";
import { randomId } from "@shopwave/core/shared/random-id";
import { readStock, setStock } from "../support/product-stock";
import { runFlashSale, warmUp, warmUpProductId, type Arrival, type FlashSaleProgress } from "./flash-sale";
import { renderHtmlReport } from "./html-report";
import { buildLoadReport, formatLoadReport, type LoadReport } from "./load-report";
import { RealStripeCheckoutError } from "./shopper";
import { startStackProcess, type StackProcess } from "./stack-process";
import { queueDepth, readDatabaseVerdict, readOrdersSince, type DatabaseReading } from "./verdict";
import { readEventOutcomes, unitsCountedSoFar, type EventOutcomeSources, type EventOutcomes } from "./event-outcomes";
import { formatHoardingReport, startHoarders, unitsHeldBy, type Hoarding, type HoardingReport } from "./hoarders";
import { holdLimitsFrom } from "@shopwave/core/orders/reservation-holds";
import { formatHotSkuComparison, runHotSkuComparison } from "./hot-sku";
import { orderHoldDefaults } from "@shopwave/infra/topology";
import { buildCostReport, formatCostReport, type CostReport } from "./cost/cost-report";
import { catalogReads, formatCatalogReads, routeFunctions, type CatalogReads } from "./cost/catalog-reads";

const usage = `npm run load -- [options]
  --shoppers N          shoppers in the sale (default 1000)
  --stock S             reset the sale item to S units before the run (default: leave it)
  --concurrency C       shoppers in flight at most (default 64)
  --arrival-rate R      shoppers arriving per second (default: all at once)
  --duration D          ramp arrivals up linearly over D seconds instead
  --target URL          API of a running stack or stage (default: start a local stack)
  --products-table T    with --target: products table, for --stock and the verdict
  --orders-table T      with --target: orders table, for the verdict
  --dlq-url URL         with --target: order-events DLQ URL, for its depth
  --product ID          the sale item (default ${FLASH_SALE_PRODUCT_ID})
  --poller-concurrency P  local stack only: queue pollers (default: the stack's own default)
  --poll-ms MS          how often shoppers poll their order page (default 1000, as the storefront)
  --settle-timeout S    seconds a shopper waits for its paid order to settle (default 60)
  --no-meter            local stack only: do not meter AWS usage (no catalog reads per view, no cost per
                        order); the meter reads every item a request touched, which slows the stack
  --webhook-only        shoppers wait for the webhook to confirm, never settling from the success redirect
                        (the storefront's order page does; compare the confirmation latency with and without)
  --hoarders H          local stack only: H scripted hoarders try to keep the item reserved (fresh email per
                        order, one IPv6 /64) while the shoppers buy; each shopper gets its own client address.
                        The stack runs with a deployed stage's hold limits (ORDER_HOLDS_PER_EMAIL / _CLIENT in
                        the environment override them, "off" shows the sale without them); exit 1 if the
                        hoarders end up holding more than one client address may
  --hoard-quantity Q    units per hoarder order (default 2)
  --check-since ISO     no shoppers: only read the verdict of a sale run elsewhere (e.g. by Artillery)
                        since that time, with --target, the tables and --stock (the stock it started with)
  --hot-sku             local stack only: DynamoDB's per-partition write rate is enforced (scaled, see
                        --partition-writes) and the same sale runs twice, the item's stock first in 1 shard,
                        then resharded into --shards; reports reservations/s, throttled requests and
                        order-create latency for each (defaults: 300 shoppers, stock 200)
  --shards N            with --hot-sku: stock shards of the second run (default 8)
  --partition-writes W  with --hot-sku: write units per second one partition key takes (default 50, for AWS's 1,000)
  --json FILE           write the report as JSON
  --report FILE         write the HTML report here (default .artifacts/load/flash-sale.html)
Exit code: 0 pass, 1 oversold or lost, 2 verdict incomplete (no database access), 3 bad usage or run failure.`;

function positiveInt(name: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || (value === 0 && name !== "stock")) throw new UsageError(`--${name} must be a positive whole number, got ${raw}`);
  return value;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      shoppers: { type: "string" },
      stock: { type: "string" },
      concurrency: { type: "string" },
      "arrival-rate": { type: "string" },
      duration: { type: "string" },
      target: { type: "string" },
      "products-table": { type: "string" },
      "orders-table": { type: "string" },
      "dlq-url": { type: "string" },
      product: { type: "string" },
      "poller-concurrency": { type: "string" },
      "poll-ms": { type: "string" },
      "settle-timeout": { type: "string" },
      "webhook-only": { type: "boolean" },
      "no-meter": { type: "boolean" },
      "check-since": { type: "string" },
      hoarders: { type: "string" },
      "hoard-quantity": { type: "string" },
      "hot-sku": { type: "boolean" },
      shards: { type: "string" },
      "partition-writes": { type: "string" },
      json: { type: "string" },
      report: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const hotSku = values["hot-sku"] === true;
  if (hotSku && (values.target !== undefined || values.hoarders !== undefined || values["check-since"] !== undefined)) {
    throw new UsageError("--hot-sku runs against the local stack only (it enforces the partition limit there), without --hoarders or --check-since");
  }
  if (!hotSku && (values.shards !== undefined || values["partition-writes"] !== undefined)) throw new UsageError("--shards and --partition-writes go with --hot-sku");
  const shoppers = positiveInt("shoppers", values.shoppers, hotSku ? 300 : 1000);
  const stock = values.stock === undefined ? (hotSku ? 200 : null) : positiveInt("stock", values.stock);
  const concurrency = positiveInt("concurrency", values.concurrency, 64);
  if (values["arrival-rate"] !== undefined && values.duration !== undefined) throw new UsageError("use --arrival-rate or --duration, not both");
  const arrival: Arrival =
    values["arrival-rate"] !== undefined
      ? { kind: "rate", perSecond: positiveInt("arrival-rate", values["arrival-rate"]) }
      : values.duration !== undefined
        ? { kind: "ramp", seconds: positiveInt("duration", values.duration) }
        : { kind: "burst" };
  const productId = values.product ?? FLASH_SALE_PRODUCT_ID;
  const reportFile = path.resolve(values.report ?? path.join(repoRoot, ".artifacts/load/flash-sale.html"));
  const hoarders = values.hoarders === undefined ? 0 : positiveInt("hoarders", values.hoarders);
  const hoardQuantity = positiveInt("hoard-quantity", values["hoard-quantity"], 2);
  // Hoarders need a gateway that takes client addresses from X-Forwarded-For: only the local one does.
  if (hoarders > 0 && values.target !== undefined) throw new UsageError("--hoarders runs against the local stack only (it needs to give each client its own address)");
  const holdSettings = hoarders > 0 ? stageHoldSettings() : undefined;
  if (values.target === undefined && (values["products-table"] || values["orders-table"] || values["dlq-url"])) {
    throw new UsageError("--products-table, --orders-table and --dlq-url go with --target (the local stack's own are used otherwise)");
  }

  let stack: StackProcess | undefined;
  let target = values.target;
  let tables: { products?: string; orders?: string } = { products: values["products-table"], orders: values["orders-table"] };
  let dlqUrl = values["dlq-url"];
  // Against a target, the SDK's own configuration applies (AWS_PROFILE/credentials, region,
  // AWS_ENDPOINT_URL_DYNAMODB / _SQS for a local stack started by `npm run dev`).
  let dynamoConfig: ConstructorParameters<typeof DynamoDBClient>[0] = {};
  let sqsConfig: ConstructorParameters<typeof SQSClient>[0] = {};
  const cleanup: (() => Promise<void> | void)[] = [];
  const interrupted = () => {
    process.stderr.write("\ninterrupted: stopping…\n");
    void Promise.all(cleanup.map((fn) => fn())).finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);

  try {
    if (target === undefined) {
      const logFile = path.join(path.dirname(reportFile), "local-stack.log");
      process.stderr.write(`Starting the local stack (its logs: ${path.relative(process.cwd(), logFile)})…\n`);
      stack = await startStackProcess({
        logFile,
        ...(values["poller-concurrency"] ? { pollerConcurrency: positiveInt("poller-concurrency", values["poller-concurrency"]) } : {}),
        ...(holdSettings ? { handlerEnv: holdSettings, trustForwardedFor: true } : {}),
        // The hot-SKU comparison reports no cost: its runs go unmetered, so the meter's item reads
        // do not slow the stack whose reservation rate it measures.
        ...(values["no-meter"] || hotSku ? { meter: false } : {}),
        ...(hotSku ? { partitionWriteLimit: { writeUnitsPerSecond: positiveInt("partition-writes", values["partition-writes"], 50) } } : {}),
      });
      const started = stack;
      cleanup.push(() => started.stop());
      target = stack.urls.api;
      tables = stack.tableNames;
      dlqUrl = stack.queueUrls.orderEventsDlq;
      process.stderr.write("Warming up: one purchase of another product before the doors open…\n");
      await warmUp(target, warmUpProductId(productId));
      const local = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
      dynamoConfig = { ...local, endpoint: stack.urls.dynamodb };
      sqsConfig = { ...local, endpoint: stack.urls.sqs };
    }
    const dynamo = new DynamoDBClient(dynamoConfig);
    const db = DynamoDBDocumentClient.from(dynamo);
    const sqs = new SQSClient(sqsConfig);
    cleanup.push(() => {
      dynamo.destroy();
      sqs.destroy();
    });

    if (hotSku) {
      return await hotSkuComparison({
        stack: stack!,
        db,
        sqs,
        productId,
        shoppers,
        stock: stock!,
        concurrency,
        arrival,
        shards: positiveInt("shards", values.shards, 8),
        writeUnitsPerSecond: positiveInt("partition-writes", values["partition-writes"], 50),
        jsonFile: values.json,
      });
    }

    if (values["check-since"] !== undefined) {
      return await checkOnly({ db, sqs, tables, dlqUrl, productId, stock, since: values["check-since"], jsonFile: values.json, hasTarget: values.target !== undefined });
    }

    const notChecked: string[] = [];
    if (stock !== null && !tables.products) throw new UsageError("--stock needs --products-table with --target (stock is written through the DynamoDB API)");
    const stockResetAt = new Date();
    if (stock !== null) await setStock(db, tables.products!, productId, stock);
    const stockAtStart = stock ?? (tables.products ? await readStock(db, tables.products, productId) : null);
    if (!tables.products || !tables.orders) {
      notChecked.push("oversold and lost: no database access (pass --products-table and --orders-table with AWS credentials for the stage)");
    }
    if (!dlqUrl) notChecked.push("DLQ depth: no --dlq-url");
    const dlqBefore = dlqUrl ? await queueDepth(sqs, dlqUrl) : null;
    // The order events pipeline's counts (local stack only: a stage's timeline and counters tables and inbox are not at hand).
    const eventSources: EventOutcomeSources | undefined = stack
      ? {
          db,
          sqs,
          tables: { orderTimeline: stack.tableNames.orderTimeline, salesCounters: stack.tableNames.salesCounters },
          inboxUrl: stack.urls.inbox,
          parkedIn: {
            OrderEmailDlq: stack.eventQueueUrls.orderEmail.dlq,
            OrderTimelineDlq: stack.eventQueueUrls.orderTimeline.dlq,
            SalesCountersDlq: stack.eventQueueUrls.salesCounters.dlq,
            OrderEventsPublishFailures: stack.eventQueueUrls.publishFailures,
          },
        }
      : undefined;
    if (!eventSources) notChecked.push("events published and receipts: local stack only");
    const unitsCountedBefore = eventSources ? await unitsCountedSoFar(eventSources, productId) : 0;

    const runId = randomId("run").slice(4, 14);
    let hoarding: Hoarding | undefined;
    if (hoarders > 0) {
      process.stderr.write(`${hoarders} hoarders start on ${productId}; the doors open for the shoppers once the hold limits refuse them (at most 10 s)…\n`);
      hoarding = startHoarders({ apiUrl: target, productId, hoarders, quantity: hoardQuantity, runId });
      const started = hoarding;
      cleanup.push(async () => void (await started.stop()));
      await hoarding.saturated(10_000);
    }
    // Metering starts with the sale: the set-up and the warm-up purchase are not the shoppers'.
    if (stack) await stack.usage({ reset: true });
    const bar = createProgressBar(shoppers);
    const run = await runFlashSale({
      apiUrl: target,
      ...(stack ? { catalogUrl: stack.catalogUrl } : {}),
      productId,
      shoppers,
      concurrency,
      arrival,
      runId,
      // Each shopper its own client (198.18.0.0/15 is set aside for benchmarks), so only the hoarders share one.
      ...(hoarding ? { clientAddressOf: (index: number) => `198.18.${(index >> 8) & 255}.${index & 255}` } : {}),
      ...(values["poll-ms"] ? { pollMs: positiveInt("poll-ms", values["poll-ms"]) } : {}),
      ...(values["settle-timeout"] ? { settleTimeoutMs: positiveInt("settle-timeout", values["settle-timeout"]) * 1000 } : {}),
      ...(values["webhook-only"] ? { fulfilOnReturn: false } : {}),
      onProgress: bar.update,
    }).finally(bar.stop);
    // The sale is over when its shoppers are done: the hoarders stop before the verdict is read.
    const hoarded = hoarding ? await hoarding.stop() : undefined;
    const metered = stack ? await stack.usage() : undefined;

    let database: DatabaseReading | null = null;
    if (tables.products && tables.orders && stockAtStart !== null) {
      database = await readDatabaseVerdict(
        { db, tables: { products: tables.products, orders: tables.orders } },
        { productId, stockAtStart, stockResetAt, paidOrderIds: run.results.filter((r) => r.paid && r.orderId).map((r) => r.orderId!) },
      );
    }
    let events: EventOutcomes | null = null;
    if (eventSources && tables.orders && tables.products) {
      const orders = await readOrdersSince({ db, tables: { products: tables.products, orders: tables.orders } }, stockResetAt);
      const confirmedOrders = orders
        .filter((order) => order.status === "CONFIRMED" && (order.items as { productId: string }[]).some((line) => line.productId === productId))
        .map((order) => ({
          id: String(order.id),
          units: (order.items as { productId: string; quantity: number }[]).filter((line) => line.productId === productId).reduce((sum, line) => sum + line.quantity, 0),
        }));
      events = await readEventOutcomes(eventSources, { productId, confirmedOrders, unitsCountedBefore });
    }
    const dlqAfter = dlqUrl ? await queueDepth(sqs, dlqUrl) : null;
    const report = buildLoadReport({
      target: stack ? `local stack (${target})` : target,
      settings: { productId, shoppers, stock, concurrency, arrival },
      run,
      database,
      dlq: dlqBefore !== null && dlqAfter !== null ? { before: dlqBefore, after: dlqAfter } : null,
      events,
      notChecked,
    });
    console.log(`\n${formatLoadReport(report)}\n`);
    let metering: { catalogReads: CatalogReads; cost: CostReport } | undefined;
    if (metered?.usage) {
      const views = run.samples.filter((sample) => sample.step === "productRead").length;
      metering = {
        catalogReads: catalogReads(metered.usage, views, metered.cdn),
        cost: buildCostReport({
          usage: metered.usage,
          confirmedOrders: report.ordersConfirmed,
          routeFunctions,
          cdn: { requests: metered.cdn.hit + metered.cdn.stale + metered.cdn.miss, bytesOut: metered.cdn.bytesOut },
        }),
      };
      console.log(`${formatCatalogReads(metering.catalogReads)}\n\n${formatCostReport(metering.cost)}\n`);
    }
    let hoardingReport: HoardingReport | undefined;
    if (hoarded && holdSettings && tables.orders) {
      const result = hoarded;
      const orders = await readOrdersSince({ db, tables: { products: tables.products!, orders: tables.orders } }, stockResetAt);
      const client = holdLimitsFrom(holdSettings).client;
      const capPerClient = client ? Math.min(client.perProduct, client.units, client.orders * hoardQuantity) : null;
      const unitsHeldAtEnd = unitsHeldBy(orders, result.emailDomain, productId);
      hoardingReport = {
        ...result,
        settings: holdSettings,
        unitsHeldAtEnd,
        capPerClient,
        realShoppersConfirmed: report.ordersConfirmed,
        realShoppersSoldOut: report.ordersRejectedSoldOut,
        withinCap: capPerClient === null ? null : Math.max(unitsHeldAtEnd, result.unitsReserved) <= capPerClient,
      };
      console.log(`${formatHoardingReport(hoardingReport)}\n`);
    }
    writeReports(metering ? { ...report, ...metering } : report, values.json, reportFile, hoardingReport);
    if (hoardingReport?.withinCap === false) return 1;
    return report.verdict === "pass" ? 0 : report.verdict === "fail" ? 1 : 2;
  } finally {
    for (const fn of cleanup.reverse()) await fn();
  }
}

/** The database half of the verdict for a sale driven by another tool: oversold and stock, not lost. */
async function checkOnly(input: {
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  tables: { products?: string; orders?: string };
  dlqUrl: string | undefined;
  productId: string;
  stock: number | null;
  since: string;
  jsonFile: string | undefined;
  hasTarget: boolean;
}): Promise<number> {
  const since = new Date(input.since);
  if (!input.hasTarget || !input.tables.products || !input.tables.orders || input.stock === null || Number.isNaN(since.getTime())) {
    throw new UsageError("--check-since ISO-TIME needs --target, --products-table, --orders-table and --stock (the stock the sale started with; it is not written)");
  }
  const { verdict } = await readDatabaseVerdict(
    { db: input.db, tables: { products: input.tables.products, orders: input.tables.orders } },
    { productId: input.productId, stockAtStart: input.stock, stockResetAt: since, paidOrderIds: [] },
  );
  const dlqDepth = input.dlqUrl ? await queueDepth(input.sqs, input.dlqUrl) : null;
  const lostWhy = "lost: which orders were paid is known only to the load generator (for Artillery, compare flash_sale.paid with ordersByStatus.CONFIRMED)";
  const result = {
    since: since.toISOString(),
    productId: input.productId,
    stock: input.stock,
    oversold: verdict.oversold,
    lost: null,
    unitsSold: verdict.unitsSold,
    stockLeft: verdict.stockLeft,
    unitsUnaccounted: verdict.unitsUnaccounted,
    ordersByStatus: verdict.ordersByStatus,
    dlqDepth,
    notChecked: [lostWhy, ...(dlqDepth === null ? ["DLQ depth: no --dlq-url"] : [])],
    verdict: verdict.oversold > 0 ? "fail" : "incomplete",
  };
  console.log(
    [
      `Orders holding ${input.productId} since ${result.since}, against a stock of ${input.stock}:`,
      `  units sold ${verdict.unitsSold}, stock left ${verdict.stockLeft}, unaccounted ${verdict.unitsUnaccounted}`,
      `  orders by status ${JSON.stringify(verdict.ordersByStatus)}`,
      `  oversold ${verdict.oversold}`,
      `  DLQ depth ${dlqDepth ?? "not checked"}`,
      ...result.notChecked.map((why) => `  not checked: ${why}`),
      `  verdict ${result.verdict.toUpperCase()}`,
    ].join("\n"),
  );
  if (input.jsonFile) writeFileSync(input.jsonFile, `${JSON.stringify(result, null, 2)}\n`);
  return result.verdict === "fail" ? 1 : 2;
}

/** `--hot-sku`: the sale on 1 shard, then on N, under the partition write limit (hot-sku.ts). */
async function hotSkuComparison(input: {
  stack: StackProcess;
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  productId: string;
  shoppers: number;
  stock: number;
  concurrency: number;
  arrival: Arrival;
  shards: number;
  writeUnitsPerSecond: number;
  jsonFile: string | undefined;
}): Promise<number> {
  const proxyUrl = input.stack.handlerEnv.AWS_ENDPOINT_URL_DYNAMODB;
  if (!proxyUrl) throw new Error("The local stack runs no DynamoDB proxy; the partition limit is not enforced.");
  let bar: ReturnType<typeof createProgressBar> | undefined;
  const runs = await runHotSkuComparison({
    apiUrl: input.stack.urls.api,
    db: input.db,
    sqs: input.sqs,
    tables: { products: input.stack.tableNames.products, orders: input.stack.tableNames.orders },
    dlqUrl: input.stack.queueUrls.orderEventsDlq,
    dynamoDbProxyUrl: proxyUrl,
    writeUnitsPerSecond: input.writeUnitsPerSecond,
    productId: input.productId,
    shardCounts: [1, input.shards],
    shoppers: input.shoppers,
    stock: input.stock,
    concurrency: input.concurrency,
    arrival: input.arrival,
    runId: randomId("run").slice(4, 14),
    onRunStart: (shards) => {
      process.stderr.write(`\nThe sale on ${shards} stock shard${shards === 1 ? "" : "s"}:\n`);
      bar = createProgressBar(input.shoppers);
    },
    onProgress: (p) => bar?.update(p),
    onRunEnd: () => bar?.stop(),
  });
  for (const run of runs) console.log(`\n${formatLoadReport(run.report)}`);
  console.log(`\n${formatHotSkuComparison(runs, input)}\n`);
  if (input.jsonFile) {
    mkdirSync(path.dirname(path.resolve(input.jsonFile)), { recursive: true });
    writeFileSync(input.jsonFile, `${JSON.stringify({ writeUnitsPerSecond: input.writeUnitsPerSecond, runs }, null, 2)}\n`);
    console.log(`JSON report: ${input.jsonFile}`);
  }
  return runs.every((run) => run.verdict === "pass") ? 0 : runs.some((run) => run.verdict === "fail") ? 1 : 2;
}

/** The hold limits of a deployed stage, unless the environment names others ("off" to see the sale without them). */
function stageHoldSettings(): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(orderHoldDefaults)) settings[name] = process.env[name]?.trim() || value;
  holdLimitsFrom(settings); // a bad override fails here, before any stack starts
  return settings;
}

function writeReports(report: LoadReport, jsonFile: string | undefined, htmlFile: string, hoarding?: HoardingReport): void {
  if (jsonFile) {
    mkdirSync(path.dirname(path.resolve(jsonFile)), { recursive: true });
    writeFileSync(jsonFile, `${JSON.stringify(hoarding ? { ...report, hoarding } : report, null, 2)}\n`);
    console.log(`JSON report: ${jsonFile}`);
  }
  mkdirSync(path.dirname(htmlFile), { recursive: true });
  writeFileSync(htmlFile, renderHtmlReport(report));
  console.log(`HTML report: ${path.relative(process.cwd(), htmlFile)}`);
}

/** A live bar with the confirmed rate and the error count; plain periodic lines when not on a terminal. */
function createProgressBar(total: number) {
  const bar = new SingleBar({
    format: "{bar} {value}/{total} shoppers | {rate} confirmed/s | confirmed {confirmed} · sold out {soldOut} · in flight {inFlight} | errors {errors} | {elapsed} s",
    barsize: 24,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2_000,
    etaBuffer: 50,
  });
  const payload = (p?: FlashSaleProgress) => ({
    rate: p && p.elapsedMs > 0 ? ((p.outcomes.confirmed * 1000) / p.elapsedMs).toFixed(1) : "0.0",
    confirmed: p?.outcomes.confirmed ?? 0,
    soldOut: p?.outcomes.sold_out ?? 0,
    inFlight: p?.inFlight ?? 0,
    errors: p?.errors ?? 0,
    elapsed: p ? (p.elapsedMs / 1000).toFixed(1) : "0.0",
  });
  bar.start(total, 0, payload());
  return {
    update: (p: FlashSaleProgress) => bar.update(p.done, payload(p)),
    stop: () => bar.stop(),
  };
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
    else if (error instanceof RealStripeCheckoutError) console.error(`\n${error.message}`);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(3);
  });
