// `npm run bench`: side-by-side figures from one run on this machine, printed as a table and
// saved as JSON. (1) the local DynamoDB's ceiling for conditional single-item updates vs the
// end-to-end confirmed orders/s of a flash sale; (2) GET /products p50/p99 at 64 connections vs
// a bare node:http server; (3) each handler of the topology bundled as it ships: size and cold
// start vs an empty handler. `--profile` also records CPU profiles (node --cpu-prof) of the stack
// under load and of each cold start, and prints where the time went.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { lambdaRuntime } from "@shopwave/infra/topology";
import { repoRoot } from "@shopwave/local/aws/handler-loader";
import { FLASH_SALE_PRODUCT_ID } from "@shopwave/local/stack/seed-catalog";
import { setStock } from "../support/product-stock";
import { runFlashSale, warmUp, warmUpProductId } from "../load/flash-sale";
import { readDatabaseVerdict } from "../load/verdict";
import { buildLoadReport } from "../load/load-report";
import { startStackProcess } from "../load/stack-process";
import { measureGetLatency, startBareServer } from "./api-latency";
import { summarizeCpuProfile, type ProfileSummary } from "./cpu-profile-summary";
import { bundleHandlers, esbuildTarget, measureColdStarts } from "./handler-bundles";
import { sampleEventFor } from "./sample-events";
import { measureConditionalUpdateCeiling } from "./store-ceiling";

const { values } = parseArgs({
  options: {
    json: { type: "string" },
    quick: { type: "boolean" },
    profile: { type: "boolean" },
    runs: { type: "string" },
    shoppers: { type: "string" },
  },
});
const quick = values.quick === true;
const coldRuns = Number(values.runs ?? (quick ? 2 : 9));
const e2eShoppers = Number(values.shoppers ?? (quick ? 100 : 300));
const outDir = path.join(repoRoot, ".artifacts/bench");
const jsonFile = path.resolve(values.json ?? path.join(outDir, "bench.json"));
const profileDir = path.join(outDir, "profiles");

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round1 = (x: number) => Math.round(x * 10) / 10;
const percentOf = (part: number, whole: number) => Math.round((part / whole) * 10_000) / 100;
const step = (message: string) => process.stderr.write(`• ${message}\n`);

async function main() {
  mkdirSync(outDir, { recursive: true });
  if (values.profile) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map(round1),
  };
  step(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart.join(" ")}`);

  step("starting the local stack in its own process…");
  const stackProfileDir = path.join(profileDir, "stack");
  const stack = await startStackProcess({
    logFile: path.join(outDir, "local-stack.log"),
    ...(values.profile ? { nodeOptions: ["--cpu-prof", `--cpu-prof-dir=${stackProfileDir}`] } : {}),
  });
  const dynamo = new DynamoDBClient({ endpoint: stack.urls.dynamodb, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const db = DynamoDBDocumentClient.from(dynamo);
  try {
    // (3) first, while the stack is idle: bundles and cold starts.
    step(`bundling every handler of the topology (esbuild, minified ESM, ${esbuildTarget})…`);
    const bundles = await bundleHandlers(path.join(outDir, "bundles"));
    const handlers = [];
    for (const bundle of bundles) {
      step(`cold starts of ${bundle.name} ×${coldRuns}`);
      const event = sampleEventFor(bundle);
      const starts = await measureColdStarts(bundle.file, event, stack.handlerEnv, coldRuns, { harnessDir: outDir });
      let profile: ProfileSummary | undefined;
      if (values.profile) {
        const dir = path.join(profileDir, bundle.name);
        await measureColdStarts(bundle.file, event, stack.handlerEnv, 1, { harnessDir: outDir, nodeOptions: ["--cpu-prof", `--cpu-prof-dir=${dir}`] });
        profile = summarizeCpuProfile(path.join(dir, readdirSync(dir)[0]!), 8);
      }
      handlers.push({
        name: bundle.name,
        handler: bundle.handler,
        kind: bundle.kind,
        kb: round1(bundle.bytes / 1024),
        kbWithoutSdk: round1(bundle.bytesWithoutSdk / 1024),
        importMs: round1(median(starts.map((s) => s.importMs))),
        firstInvokeMs: round1(median(starts.map((s) => s.importMs + s.firstInvokeMs)) - median(starts.map((s) => s.importMs))),
        coldStartMs: round1(median(starts.map((s) => s.importMs + s.firstInvokeMs))),
        // The least disturbed run: on a shared machine the minimum is the steadiest figure.
        bestColdStartMs: round1(Math.min(...starts.map((s) => s.importMs + s.firstInvokeMs))),
        answered: starts[0]!.outcome,
        heaviestInputs: bundle.heaviestInputs.map((i) => ({ ...i, kb: round1(i.bytes / 1024) })),
        ...(profile ? { profile } : {}),
      });
    }
    const empty = handlers.find((h) => h.kind === "baseline")!;

    // (1) the store's ceiling, then the end-to-end rate on the same stack.
    step("DynamoDB Local: conditional single-item updates, sequential and at concurrency 32…");
    const seconds = quick ? 3 : 6;
    const [sequential, concurrent] = await measureConditionalUpdateCeiling(dynamo, [
      { concurrency: 1, durationMs: seconds * 1000 },
      { concurrency: 32, durationMs: seconds * 1000 },
    ]);
    step(`end to end: a flash sale of ${e2eShoppers} shoppers for ${e2eShoppers} units, concurrency 64…`);
    await warmUp(stack.urls.api, warmUpProductId(FLASH_SALE_PRODUCT_ID));
    const stockResetAt = new Date();
    await setStock(db, stack.tableNames.products, FLASH_SALE_PRODUCT_ID, e2eShoppers);
    const sale = await runFlashSale({
      apiUrl: stack.urls.api,
      productId: FLASH_SALE_PRODUCT_ID,
      shoppers: e2eShoppers,
      concurrency: 64,
      arrival: { kind: "burst" },
      runId: "bench",
    });
    const reading = await readDatabaseVerdict(
      { db, tables: stack.tableNames },
      { productId: FLASH_SALE_PRODUCT_ID, stockAtStart: e2eShoppers, stockResetAt, paidOrderIds: sale.results.filter((r) => r.paid).map((r) => r.orderId!) },
    );
    const saleReport = buildLoadReport({
      target: stack.urls.api,
      settings: { productId: FLASH_SALE_PRODUCT_ID, shoppers: e2eShoppers, stock: e2eShoppers, concurrency: 64, arrival: { kind: "burst" } },
      run: sale,
      database: reading,
      dlq: null,
      notChecked: [],
    });
    const ordersPerSecond = saleReport.ordersPerSecond;

    // (2) API latency vs bare node.
    step("GET /products at 64 connections: the API, then a bare node:http server with the same bytes…");
    const productsUrl = `${stack.urls.api}/products`;
    const body = await (await fetch(productsUrl)).text();
    const apiSeconds = quick ? 4 : 10;
    const api = await measureGetLatency(productsUrl, { connections: 64, seconds: apiSeconds });
    const bareServer = await startBareServer(body);
    const bare = await measureGetLatency(bareServer.url, { connections: 64, seconds: apiSeconds }).finally(() => bareServer.stop());

    const result = {
      measuredAt: new Date().toISOString(),
      machine,
      storeCeiling: {
        store: "DynamoDB Local (the local stack's)",
        sequential,
        concurrency32: concurrent,
        endToEnd: {
          shoppers: e2eShoppers,
          confirmed: saleReport.ordersConfirmed,
          saleSeconds: saleReport.saleSeconds,
          ordersPerSecond,
          oversold: saleReport.oversold!,
          lost: saleReport.lost!,
          latency: saleReport.latency,
        },
        ratioToConcurrent: percentOf(ordersPerSecond, concurrent!.opsPerSecond),
        ratioToSequential: percentOf(ordersPerSecond, sequential!.opsPerSecond),
        targetPercent: 50,
      },
      apiLatency: { api, bare, p99Ratio: round1(api.p99 / Math.max(bare.p99, 1)), targetRatio: 3 },
      handlers: { runtime: lambdaRuntime.runtime, esbuildTarget, coldStartRuns: coldRuns, baseline: empty, functions: handlers.filter((h) => h.kind !== "baseline"), targetApiKb: 150 },
    };
    mkdirSync(path.dirname(jsonFile), { recursive: true });
    writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${formatTable(result)}\n\nJSON: ${path.relative(process.cwd(), jsonFile)}`);
    if (values.profile) {
      await stack.stop();
      const file = readdirSync(stackProfileDir).find((f) => f.endsWith(".cpuprofile"));
      if (file) printProfile("local stack process (whole run)", summarizeCpuProfile(path.join(stackProfileDir, file), 15));
      const heaviest = [...handlers].filter((h) => h.profile).sort((a, b) => b.coldStartMs - a.coldStartMs)[0];
      if (heaviest?.profile) printProfile(`cold start of ${heaviest.name}`, heaviest.profile);
      console.log(`\nProfiles: ${path.relative(process.cwd(), profileDir)} (open in Chrome DevTools → Performance)`);
    }
  } finally {
    dynamo.destroy();
    await stack.stop();
  }
}

type BenchResult = {
  machine: { cpu: string; cores: number; memoryGb: number; node: string };
  storeCeiling: {
    sequential: { opsPerSecond: number; latency: { p50: number | null; p99: number | null } } | undefined;
    concurrency32: { opsPerSecond: number; latency: { p50: number | null; p99: number | null } } | undefined;
    endToEnd: { shoppers: number; ordersPerSecond: number; oversold: number; lost: number };
    ratioToConcurrent: number;
  };
  apiLatency: { api: { p50: number; p99: number; requestsPerSecond: number; non2xx: number }; bare: { p50: number; p99: number; requestsPerSecond: number }; p99Ratio: number };
  handlers: {
    coldStartRuns: number;
    baseline: { kb: number; importMs: number; firstInvokeMs: number; coldStartMs: number; bestColdStartMs: number };
    functions: { name: string; kind: string; kb: number; kbWithoutSdk: number; importMs: number; firstInvokeMs: number; coldStartMs: number; bestColdStartMs: number; answered: string }[];
  };
};

function formatTable(r: BenchResult): string {
  const pad = (v: string | number, w: number) => String(v).padStart(w);
  const s = r.storeCeiling;
  const b = r.handlers.baseline;
  return [
    `Shopwave benchmarks · ${r.machine.cpu} · ${r.machine.cores} cores · ${r.machine.memoryGb} GB · Node ${r.machine.node}`,
    "",
    "(1) Store ceiling vs end to end                               ops/s    p50 ms   p99 ms",
    `    DynamoDB Local conditional update, sequential       ${pad(s.sequential!.opsPerSecond, 9)} ${pad(s.sequential!.latency.p50 ?? "–", 9)} ${pad(s.sequential!.latency.p99 ?? "–", 8)}`,
    `    DynamoDB Local conditional update, concurrency 32   ${pad(s.concurrency32!.opsPerSecond, 9)} ${pad(s.concurrency32!.latency.p50 ?? "–", 9)} ${pad(s.concurrency32!.latency.p99 ?? "–", 8)}`,
    `    end to end, confirmed orders/s (${s.endToEnd.shoppers} shoppers)      ${pad(s.endToEnd.ordersPerSecond, 9)}   oversold ${s.endToEnd.oversold}, lost ${s.endToEnd.lost}`,
    `    ratio end to end / ceiling at 32                    ${pad(`${s.ratioToConcurrent} %`, 9)}   target ≥ 50 %`,
    "",
    "(2) GET /products, 64 connections                             p50 ms   p99 ms    req/s",
    `    API (gateway emulator → handler → DynamoDB Local)   ${pad(r.apiLatency.api.p50, 9)} ${pad(r.apiLatency.api.p99, 8)} ${pad(r.apiLatency.api.requestsPerSecond, 8)}${r.apiLatency.api.non2xx ? `   non-2xx ${r.apiLatency.api.non2xx}` : ""}`,
    `    bare node:http, same bytes                          ${pad(r.apiLatency.bare.p50, 9)} ${pad(r.apiLatency.bare.p99, 8)} ${pad(r.apiLatency.bare.requestsPerSecond, 8)}`,
    `    p99 API / bare                                      ${pad(`${r.apiLatency.p99Ratio}×`, 9)}   target ≤ 3×`,
    "",
    `(3) Handlers as shipped (esbuild, minified ESM)         KB  KB w/o SDK  import ms  1st call ms  cold ms  best ms  vs empty  answered   (medians of ${r.handlers.coldStartRuns} fresh processes)`,
    ...r.handlers.functions.map(
      (h) =>
        `    ${h.name.padEnd(46)} ${pad(h.kb, 6)} ${pad(h.kbWithoutSdk, 10)} ${pad(h.importMs, 10)} ${pad(h.firstInvokeMs, 12)} ${pad(h.coldStartMs, 8)} ${pad(h.bestColdStartMs, 8)} ${pad(`+${Math.round(h.coldStartMs - b.coldStartMs)}`, 9)}  ${h.answered}${h.kind === "route" && h.kb > 150 ? "  (> 150 KB target)" : ""}`,
    ),
    `    ${"empty handler (baseline)".padEnd(46)} ${pad(b.kb, 6)} ${pad("", 10)} ${pad(b.importMs, 10)} ${pad(b.firstInvokeMs, 12)} ${pad(b.coldStartMs, 8)} ${pad(b.bestColdStartMs, 8)}`,
  ].join("\n");
}

function printProfile(title: string, summary: ProfileSummary) {
  console.log(`\nCPU profile: ${title}: ${summary.totalMs} ms busy, ${summary.idleMs} ms idle (shares are of busy time)`);
  console.log("  by package:");
  for (const entry of summary.byPackage) console.log(`    ${pad5(entry.share)} %  ${entry.name}`);
  console.log("  by function (self time):");
  for (const entry of summary.byFunction) console.log(`    ${pad5(entry.share)} %  ${entry.name}`);
}
const pad5 = (n: number) => String(n).padStart(5);

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
