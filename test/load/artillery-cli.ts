// `npm run load:artillery`: the Artillery flash-sale scenario against a fresh local stack (started
// in its own process, as `npm run load` does), then the verdict read from its database. Prints
// Artillery's report and the verdict; exits 0 on a pass, 1 when anything is oversold or lost.
//
// Usage: npm run load:artillery -- [--environment smoke|flash-sale] [--stock S] [--json FILE]
//        npm run load:artillery -- --bundle-only   (only bundle the processor, for run-lambda / run-fargate)
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { repoRoot } from "@shopwave/local/aws/handler-loader";
import { FLASH_SALE_PRODUCT_ID } from "@shopwave/local/stack/seed-catalog";
import { bundleArtilleryProcessor, runArtillerySale, type ArtilleryEnvironment } from "./artillery-sale";
import { warmUp, warmUpProductId } from "./flash-sale";
import { startStackProcess } from "./stack-process";

const usage = `npm run load:artillery -- [options]
  --environment E   smoke (default: 40 shoppers over 5 s) or flash-sale (a 40 s surge up to 200 shoppers/s)
  --stock S         units of the sale item (default 10)
  --json FILE       write the verdict and Artillery's counters as JSON
  --bundle-only     only bundle the scenario's processor (test/load/artillery/dist/), e.g. before
                    \`npx artillery run-lambda\` / \`run-fargate\` against a stage
Artillery's own JSON report goes to .artifacts/load/artillery-<environment>.json.
Exit code: 0 pass, 1 oversold or lost, 2 verdict incomplete, 3 bad usage or a run that could not start.`;

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      environment: { type: "string" },
      stock: { type: "string" },
      json: { type: "string" },
      "bundle-only": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values["bundle-only"]) {
    console.log(`Processor bundled: ${path.relative(process.cwd(), await bundleArtilleryProcessor())}`);
    return 0;
  }
  const environment = (values.environment ?? "smoke") as ArtilleryEnvironment;
  if (environment !== "smoke" && environment !== "flash-sale") throw new UsageError(`--environment must be smoke or flash-sale, got ${environment}`);
  const stock = Number(values.stock ?? 10);
  if (!Number.isInteger(stock) || stock < 1) throw new UsageError(`--stock must be a positive whole number, got ${values.stock}`);
  const outDir = path.join(repoRoot, ".artifacts/load");

  process.stderr.write(`Starting the local stack (its logs: ${path.relative(process.cwd(), path.join(outDir, "artillery-stack.log"))})…\n`);
  const stack = await startStackProcess({ logFile: path.join(outDir, "artillery-stack.log") });
  const local = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
  const dynamo = new DynamoDBClient({ ...local, endpoint: stack.urls.dynamodb });
  const sqs = new SQSClient({ ...local, endpoint: stack.urls.sqs });
  const stop = async () => {
    dynamo.destroy();
    sqs.destroy();
    await stack.stop();
  };
  const interrupted = () => {
    process.stderr.write("\ninterrupted: stopping…\n");
    void stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    process.stderr.write("Warming up: one purchase of another product before the doors open…\n");
    await warmUp(stack.urls.api, warmUpProductId(FLASH_SALE_PRODUCT_ID));
    process.stderr.write(`Artillery: flash-sale.yml -e ${environment} against ${stack.urls.api}, ${stock} units of ${FLASH_SALE_PRODUCT_ID}\n`);
    const result = await runArtillerySale(
      { apiUrl: stack.urls.api, db: DynamoDBDocumentClient.from(dynamo), sqs, tables: stack.tableNames, dlqUrl: stack.queueUrls.orderEventsDlq },
      { environment, productId: FLASH_SALE_PRODUCT_ID, stock, outDir, onOutput: (text) => process.stdout.write(text) },
    );
    const { database: db, counters } = result;
    const count = (name: string) => counters[name] ?? 0;
    console.log(
      [
        "",
        `Flash sale by Artillery (-e ${environment}), ${stock} units, verdict from the database:`,
        `  shoppers ${count("vusers.created")} (failed ${count("vusers.failed")}): reserved ${count("flash_sale.reserved")}, sold out ${count("flash_sale.sold_out")}, paid ${count("flash_sale.paid")}, confirmed ${count("flash_sale.confirmed")}`,
        `  units sold ${db.unitsSold}, stock left ${db.stockLeft}, unaccounted ${db.unitsUnaccounted}, orders by status ${JSON.stringify(db.ordersByStatus)}`,
        `  oversold ${db.oversold}`,
        `  lost ${db.lost} (of ${result.paidOrderIds.length} paid orders)`,
        `  DLQ depth ${result.dlqDepth}`,
        ...result.problems.map((problem) => `  ${problem}`),
        `  verdict ${result.verdict.toUpperCase()}`,
        `Artillery's report: ${path.relative(process.cwd(), result.artilleryReport)}`,
      ].join("\n"),
    );
    if (values.json) {
      const { paidOrderIds: _ids, ...summary } = result;
      writeFileSync(values.json, `${JSON.stringify({ environment, stock, ...summary }, null, 2)}\n`);
    }
    return result.verdict === "pass" ? 0 : result.verdict === "fail" ? 1 : 2;
  } finally {
    await stop();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(3);
  });
