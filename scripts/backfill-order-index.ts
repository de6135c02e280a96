// `npm run backfill:order-index -- --stage <name> [--from <cursor>] [--page-size <n>]`: gives orders
// written before the console's byStatus index existed their index keys, so the console lists them
// (core/admin/backfill-order-index.ts: a Scan, for this one-off job only; conditional writes that
// never overwrite a key a transition wrote). Prints each page's progress and the cursor to resume
// from; running it again, from the start or from a cursor, changes nothing already done.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { backfillOrderIndex } from "@shopwave/core/admin/backfill-order-index";
import { store } from "@shopwave/functions/shared/store";
import { assertShellStage, insideStageShell, rerunInsideStageShell, runAsScript, STAGE_NAME } from "./stage-shell";

export const usage = "Usage: npm run backfill:order-index -- --stage <name> [--from <cursor>] [--page-size <1-1000>]";

export function parseBackfillArgs(argv: readonly string[]): { stage: string; cursor?: string; pageSize: number } {
  const { values } = parseArgs({
    args: [...argv],
    options: { stage: { type: "string" }, from: { type: "string" }, "page-size": { type: "string", default: "100" } },
    strict: true,
    allowPositionals: false,
  });
  const stage = values.stage;
  if (!stage) throw new Error("--stage <name> is required.");
  if (!STAGE_NAME.test(stage)) throw new Error(`--stage ${stage}: stage names contain only letters, digits and hyphens.`);
  const pageSize = Number(values["page-size"]);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new Error(`--page-size ${values["page-size"]}: a whole number from 1 to 1000.`);
  return { stage, pageSize, ...(values.from ? { cursor: values.from } : {}) };
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseBackfillArgs>;
  try {
    args = parseBackfillArgs(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!insideStageShell()) return rerunInsideStageShell(args.stage, fileURLToPath(import.meta.url), argv);
  assertShellStage(args.stage);
  console.log(`Indexing orders without byStatus keys in ${store.tables.orders} (stage ${args.stage})${args.cursor ? ", resuming" : ""}…`);
  const totals = await backfillOrderIndex(store, {
    pageSize: args.pageSize,
    ...(args.cursor ? { cursor: args.cursor } : {}),
    onPage: (page) => {
      console.log(`  ${page.updated} indexed, ${page.alreadyIndexed} already indexed${page.cursor ? ` · resume with --from ${page.cursor}` : " · last page"}`);
    },
  });
  console.log(`Done: ${totals.pages} pages, ${totals.updated} orders indexed, ${totals.alreadyIndexed} indexed meanwhile.`);
  return 0;
}

runAsScript(import.meta.url, main);
