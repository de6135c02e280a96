// Unpacks SST's platform (its component sources and their npm dependencies, @pulumi/pulumi and
// @pulumi/aws among them) into .sst/platform with `sst install`, so the SST program can be
// type-checked and tested without AWS. Works offline from GitHub: the dependency check that would
// download Pulumi and Bun binaries is skipped, and SST is pointed at the Bun binary that the npm
// package `bun` ships (SST installs the platform's npm dependencies with Bun).
//
//   npm run sst:install            # only if .sst/platform is missing or from another SST version
//   npm run sst:install -- --force
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const platformDir = path.join(repoRoot, ".sst", "platform");
const require = createRequire(import.meta.url);
/** The `sst` package's folder (its exports map hides package.json and bin/). */
const sstPackageDir = path.resolve(path.dirname(require.resolve("sst")), "..");

export function installedSstVersion(): string {
  return (JSON.parse(readFileSync(path.join(sstPackageDir, "package.json"), "utf8")) as { version: string }).version;
}

export function platformIsCurrent(): boolean {
  const versionFile = path.join(platformDir, "version");
  return (
    existsSync(versionFile) &&
    readFileSync(versionFile, "utf8").trim() === installedSstVersion() &&
    existsSync(path.join(platformDir, "node_modules", "@pulumi", "pulumi", "package.json")) &&
    existsSync(path.join(platformDir, "node_modules", "@pulumi", "aws", "package.json"))
  );
}

function runs(binary: string): boolean {
  return spawnSync(binary, ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * The Bun binary from node_modules. `bun`'s postinstall moves its platform package's binary to
 * bun/bin/bun.exe; where install scripts did not run, bun.exe is a placeholder script and the
 * binary is still in the platform package (@oven/bun-<os>-<arch>[-musl|-baseline]).
 */
export function bunBinary(): string {
  const candidates: string[] = [];
  try {
    candidates.push(require.resolve("bun/bin/bun.exe"));
  } catch {
    // `bun` is not installed; the platform packages may still be.
  }
  const oven = path.join(repoRoot, "node_modules", "@oven");
  if (existsSync(oven)) {
    const arch = process.arch === "arm64" ? "aarch64" : process.arch;
    for (const name of readdirSync(oven).filter((entry) => entry.startsWith(`bun-${process.platform}-${arch}`))) {
      candidates.push(path.join(oven, name, "bin", process.platform === "win32" ? "bun.exe" : "bun"));
    }
  }
  const binary = candidates.find((candidate) => existsSync(candidate) && runs(candidate));
  if (!binary) throw new Error(`No working Bun binary in node_modules (tried ${candidates.join(", ") || "nothing"}): run npm install.`);
  return binary;
}

/** The environment in which the SST CLI runs without downloading anything from GitHub. */
export function offlineSstEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SST_TELEMETRY_DISABLED: "1",
    SST_SKIP_DEPENDENCY_CHECK: "1",
    SST_BUN_PATH: process.env.SST_BUN_PATH || bunBinary(),
  };
}

export function ensureSstPlatform({ force = false } = {}): void {
  if (!force && platformIsCurrent()) return;
  const started = Date.now();
  console.log(`Unpacking SST ${installedSstVersion()}'s platform into .sst/platform (sst install)…`);
  // The stage is required by the CLI (it would otherwise ask for one); install does not use it.
  execFileSync(process.execPath, [path.join(sstPackageDir, "bin", "sst.mjs"), "install", "--stage", "typecheck"], {
    cwd: repoRoot,
    env: offlineSstEnv(),
    stdio: "inherit",
  });
  if (!platformIsCurrent()) throw new Error("`sst install` finished but .sst/platform is incomplete.");
  console.log(`SST platform ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureSstPlatform({ force: process.argv.includes("--force") });
}
