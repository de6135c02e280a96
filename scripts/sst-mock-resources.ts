// `npm run infra:resources -- [--stage <name>] [--dev] [--write-sst-env]`: runs the SST program
// offline under Pulumi mocks (as the infra tests do) and prints every AWS resource a stage would
// contain, by type. --write-sst-env rewrites sst-env.d.ts as `sst deploy` would (after adding or
// renaming a linkable resource, without deploying).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { linksOf, renderSstEnv } from "../infra/test/sst-env-file";
import { runShopwaveProgram } from "../infra/test/sst-program";
import { repoRoot } from "./sst-platform";

const { values } = parseArgs({
  options: { stage: { type: "string", default: "alice" }, dev: { type: "boolean", default: false }, "write-sst-env": { type: "boolean", default: false } },
});
const run = await runShopwaveProgram({
  stage: values.stage,
  dev: values.dev,
  secrets: { StripeSecretKey: "sk_test_placeholder", StripeWebhookSecret: "whsec_placeholder" },
});
if (run.error) throw new Error(run.error);

const cloud = run.resources.filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:"));
const byType = new Map<string, string[]>();
for (const resource of cloud) byType.set(resource.type, [...(byType.get(resource.type) ?? []), resource.name]);
console.log(`Stage ${values.stage}${values.dev ? " (sst dev)" : ""}: ${cloud.length} resources in ${run.resources.length - cloud.length} SST components`);
console.log(`app: removal=${run.app.removal} protect=${run.app.protect}\n`);
for (const [type, names] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`${String(names.length).padStart(3)}  ${type}`);
  for (const name of names.sort()) console.log(`       ${name}`);
}
console.log(`\noutputs: ${JSON.stringify(run.outputs, null, 2)}`);

if (values["write-sst-env"]) {
  writeFileSync(path.join(repoRoot, "sst-env.d.ts"), renderSstEnv(linksOf(run.resources)));
  console.log("\nwrote sst-env.d.ts");
}
