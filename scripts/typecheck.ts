// `npm run typecheck`: the repository's TypeScript programs, all must be free of errors.
// 1. tsconfig.json: the application, tests and tooling, with the repository's strict settings.
//    Beside it, with the same settings plus the DOM: test/tsconfig.browser.json (the e2e suite and
//    the storefront benchmark) and web/tsconfig.json (the storefront, after `next typegen` has
//    generated its route types).
// 2. tsconfig.sst.json: sst.config.ts and infra/aws against SST's real component types, unpacked
//    into .sst/platform by `sst install` (run first when missing). It is a program of its own
//    because SST's platform brings its own @types/node (22) and its sources are written for its
//    own compiler settings; mixed into program 1 the two @types/node copies collide.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { ensureSstPlatform, repoRoot } from "./sst-platform";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

function typecheck(project: string): boolean {
  try {
    execFileSync(process.execPath, [tsc, "-p", project], { cwd: repoRoot, stdio: "inherit" });
    console.log(`✓ ${project}`);
    return true;
  } catch {
    console.error(`✕ ${project}`);
    return false;
  }
}

const app = typecheck("tsconfig.json");
const browserTests = typecheck("test/tsconfig.browser.json");
execFileSync(process.execPath, [createRequire(import.meta.url).resolve("next/dist/bin/next"), "typegen"], {
  cwd: `${repoRoot}/web`,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
const web = typecheck("web/tsconfig.json");
ensureSstPlatform();
const infra = typecheck("tsconfig.sst.json");
process.exit(app && browserTests && web && infra ? 0 : 1);
