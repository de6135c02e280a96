// The Artillery flash sale (test/load/artillery/flash-sale.yml) against a running stack, judged from
// the database as `npm run load` judges its own: bundles the processor, resets the sale item's
// stock, runs the installed Artillery (`artillery run`, on this Node) with the paid order ids
// logged by the processor, then
// reads oversold and lost from the tables and the DLQ depth. Used by `npm run load:artillery` and
// by the small run in `npm test`.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { build } from "esbuild";
import { setStock } from "../support/product-stock";
import { queueDepth, readDatabaseVerdict, type DatabaseVerdict } from "./verdict";

export const artilleryScenario = fileURLToPath(new URL("./artillery/flash-sale.yml", import.meta.url));
const processorSource = fileURLToPath(new URL("./artillery/flash-sale-processor.ts", import.meta.url));
/** Where flash-sale.yml loads its processor from. */
export const artilleryProcessorBundle = fileURLToPath(new URL("./artillery/dist/flash-sale-processor.js", import.meta.url));

/**
 * Bundles the processor into one CommonJS file that imports only Node's own modules, so Artillery's
 * Lambda/Fargate workers install nothing for it (Artillery requires Node ≥ 22.18 on its workers too).
 */
export async function bundleArtilleryProcessor(): Promise<string> {
  await build({
    entryPoints: [processorSource],
    outfile: artilleryProcessorBundle,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    logLevel: "warning",
  });
  return artilleryProcessorBundle;
}

/** Environments of flash-sale.yml: `smoke` is 40 shoppers over 5 s, `flash-sale` a 40 s surge to 200/s. */
export type ArtilleryEnvironment = "smoke" | "flash-sale";

export interface ArtillerySaleTarget {
  apiUrl: string;
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  tables: { products: string; orders: string };
  dlqUrl: string;
}

export interface ArtillerySaleOptions {
  environment: ArtilleryEnvironment;
  productId: string;
  /** The sale item's stock is reset to this before the doors open. */
  stock: number;
  /** Artillery's JSON report and the paid-order log go here. */
  outDir: string;
  /** Artillery's own console output, as it comes. */
  onOutput?: (text: string) => void;
}

export interface ArtillerySaleResult {
  /** Artillery's aggregate counters: vusers.*, http.codes.*, flash_sale.* (the processor's). */
  counters: Record<string, number>;
  paidOrderIds: string[];
  database: DatabaseVerdict;
  dlqDepth: number;
  verdict: "pass" | "fail" | "incomplete";
  /** Why the verdict is not a pass. */
  problems: string[];
  artilleryReport: string;
}

/**
 * Oversold or lost is a fail. A run whose processor log disagrees with Artillery's own count of
 * payments, or in which nobody got a reservation, proves nothing about lost orders: incomplete.
 */
export function judgeArtillerySale(input: { counters: Record<string, number>; paidOrderIds: readonly string[]; database: DatabaseVerdict }): {
  verdict: ArtillerySaleResult["verdict"];
  problems: string[];
} {
  const { counters, paidOrderIds, database } = input;
  const failures = [
    ...(database.oversold > 0 ? [`oversold ${database.oversold}`] : []),
    ...(database.lost > 0 ? [`lost ${database.lost}: ${database.lostOrderIds.join(", ")}`] : []),
  ];
  if (failures.length > 0) return { verdict: "fail", problems: failures };
  const paid = counters["flash_sale.paid"] ?? 0;
  const unchecked = [
    ...((counters["flash_sale.reserved"] ?? 0) === 0 ? ["no shopper got a reservation"] : []),
    ...(paid !== paidOrderIds.length ? [`Artillery counted ${paid} payments but the processor logged ${paidOrderIds.length} paid orders`] : []),
  ];
  return unchecked.length > 0 ? { verdict: "incomplete", problems: unchecked } : { verdict: "pass", problems: [] };
}

export async function runArtillerySale(target: ArtillerySaleTarget, options: ArtillerySaleOptions): Promise<ArtillerySaleResult> {
  mkdirSync(options.outDir, { recursive: true });
  const artilleryReport = path.join(options.outDir, `artillery-${options.environment}.json`);
  const paidLog = path.join(options.outDir, `artillery-${options.environment}-paid-orders.txt`);
  writeFileSync(paidLog, "");
  await bundleArtilleryProcessor();

  const stockResetAt = new Date();
  await setStock(target.db, target.tables.products, options.productId, options.stock);
  await runArtillery(
    ["run", artilleryScenario, "-e", options.environment, "--target", target.apiUrl, "--variables", JSON.stringify({ productId: options.productId }), "-o", artilleryReport],
    { SHOPWAVE_ARTILLERY_PAID_ORDERS: paidLog },
    options.onOutput,
  );

  const counters = (JSON.parse(readFileSync(artilleryReport, "utf8")) as { aggregate: { counters?: Record<string, number> } }).aggregate.counters ?? {};
  const paidOrderIds = readFileSync(paidLog, "utf8").split("\n").filter(Boolean);
  const { verdict: database } = await readDatabaseVerdict(
    { db: target.db, tables: target.tables },
    { productId: options.productId, stockAtStart: options.stock, stockResetAt, paidOrderIds },
  );
  const dlqDepth = await queueDepth(target.sqs, target.dlqUrl);
  return { counters, paidOrderIds, database, dlqDepth, artilleryReport, ...judgeArtillerySale({ counters, paidOrderIds, database }) };
}

/** The project's Artillery, on the Node running this (not whatever `artillery` is on PATH). */
async function runArtillery(args: string[], env: Record<string, string>, onOutput: ((text: string) => void) | undefined): Promise<void> {
  const require = createRequire(import.meta.url);
  const bin = path.join(path.dirname(require.resolve("artillery/package.json")), "bin", "run");
  const child = spawn(process.execPath, [bin, ...args], {
    // Artillery reports usage to its authors unless told not to; nothing here leaves the machine.
    env: { ...process.env, ...env, ARTILLERY_DISABLE_TELEMETRY: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    onOutput?.(text);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`artillery ${args[0]} exited with ${code}:\n${tail}`);
}
