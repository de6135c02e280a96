// `npm run seed:stage -- --stage <name>`: writes the demo catalog (the one `npm run dev` serves)
// into a deployed stage's products table, so the storefront has something to sell. Products are
// overwritten, stock included: running it again restocks them. Refuses production unless
// --production is given.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Resource } from "sst";
import { seedCatalog, seedProducts } from "@shopwave/local/stack/seed-catalog";
import { PRODUCTION_STAGE } from "@shopwave/infra/stage";
import { assertShellStage, insideStageShell, rerunInsideStageShell, runAsScript, STAGE_NAME } from "./stage-shell";

export const usage = "Usage: npm run seed:stage -- --stage <name> [--production]";

export function parseSeedArgs(argv: readonly string[]): { stage: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: { stage: { type: "string" }, production: { type: "boolean", default: false } },
    strict: true,
    allowPositionals: false,
  });
  const stage = values.stage;
  if (!stage) throw new Error("--stage <name> is required.");
  if (!STAGE_NAME.test(stage)) throw new Error(`--stage ${stage}: stage names contain only letters, digits and hyphens.`);
  if (stage === PRODUCTION_STAGE && !values.production) throw new Error("Refusing to write demo products into production without --production.");
  return { stage };
}

async function main(argv: readonly string[]): Promise<number> {
  let stage: string;
  try {
    ({ stage } = parseSeedArgs(argv));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!insideStageShell()) return rerunInsideStageShell(stage, fileURLToPath(import.meta.url), argv);
  assertShellStage(stage);
  const client = new DynamoDBClient({});
  try {
    await seedCatalog(DynamoDBDocumentClient.from(client), Resource.ProductsTable.name, seedProducts);
  } finally {
    client.destroy();
  }
  console.log(`Wrote ${seedProducts.length} products to ${Resource.ProductsTable.name} (stage ${stage}).`);
  return 0;
}

runAsScript(import.meta.url, main);
