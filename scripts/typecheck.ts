// `npm run typecheck`: two TypeScript programs, both must be free of errors.
// 1. tsconfig.json: the application, tests and tooling, with the repository's strict settings.
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
ensureSstPlatform();
const infra = typecheck("tsconfig.sst.json");
process.exit(app && infra ? 0 : 1);
