// Scripts that act on a deployed stage read its resources through SST's `Resource`, which
// `sst shell --stage <name>` provides (SST_RESOURCE_* variables). Started outside such a shell,
// they run themselves again inside one.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Resource } from "sst";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** SST's own rule for stage names. */
export const STAGE_NAME = /^[a-zA-Z0-9-]+$/;

export function insideStageShell(): boolean {
  return Boolean(process.env.SST_RESOURCE_App || process.env.SST_RESOURCES_JSON);
}

/** Runs `script argv` inside `sst shell --stage <stage>` and returns its exit code. */
export function rerunInsideStageShell(stage: string, script: string, argv: readonly string[]): number {
  const shell = spawnSync("npx", ["sst", "shell", "--stage", stage, "--", "npx", "tsx", script, ...argv], { cwd: repoRoot, stdio: "inherit" });
  return shell.status ?? 1;
}

/** Guards against a shell opened on another stage than the one asked for. */
export function assertShellStage(stage: string): void {
  if (Resource.App.stage !== stage) throw new Error(`sst shell runs stage ${Resource.App.stage}, not ${stage}.`);
}

/** Runs `main` when the module at `moduleUrl` is the script node was started with; exits with its code. */
export function runAsScript(moduleUrl: string, main: (argv: readonly string[]) => Promise<number>): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
