// Runs Shopwave's real SST program (sst.config.ts → infra/aws) with SST's real components under
// Pulumi's unit-test mocks, offline. It reproduces what the SST CLI does with sst.config.ts:
// 1. evaluate `app()` for a stage (bundled with esbuild as the CLI bundles it, top-level imports
//    refused), 2. bundle `run()` with the CLI's defines ($app, $cli, $dev), its injected shim and
//    its global imports (`sst`, `aws`) into .sst/platform, 3. execute it in a child process under
//    Pulumi mocks (pulumi-mock-runner.ts) and return the resources it registered.
// The storefront is not built: sst.aws.Nextjs is given a small OpenNext output fixture instead.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { email, storefront } from "../topology";
import { ensureSstPlatform, platformDir, repoRoot } from "../../scripts/sst-platform";
import type { RecordedResource, RunnerResult } from "./pulumi-mock-runner";

export type { RecordedResource };

export interface AppConfig {
  name: string;
  home: string;
  removal: string;
  protect: boolean;
  providers?: Record<string, unknown>;
}

export interface ProgramRun extends RunnerResult {
  app: AppConfig;
}

const configPath = path.join(repoRoot, "sst.config.ts");
const require = createRequire(import.meta.url);

/** The CLI's banner: ESM bundles that still have require/__filename/__dirname. */
const banner = `
import { createRequire as topLevelCreateRequire } from 'module';
const require = topLevelCreateRequire(import.meta.url);
import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"
const __filename = topLevelFileUrlToPath(import.meta.url)
const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))
`;

/** What the CLI leaves to Node at run time (resolved from .sst/platform/node_modules). */
const external = ["@pulumi/*", "undici", "@pulumiverse/*", "@sst-provider/*", "@aws-sdk/*", "esbuild", "archiver", "glob", "vite"];

/** The CLI's plugins: no top-level imports in sst.config.ts when evaluating app(); globals otherwise. */
function cliPlugins(globals: string): Plugin[] {
  return [
    {
      name: "DisallowImports",
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /.*/ }, (args) => {
          if (globals === "" && path.basename(args.importer) === "sst.config.ts" && args.kind === "import-statement") {
            return { errors: [{ text: `sst.config.ts may not import "${args.path}" at the top level: import inside app() or run()` }] };
          }
          return undefined;
        });
      },
    },
    {
      name: "InjectGlobals",
      setup(pluginBuild) {
        pluginBuild.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, (args) => {
          if (args.path.startsWith(path.join(repoRoot, ".sst"))) return undefined;
          const contents = readFileSync(args.path, "utf8");
          return { contents: args.path.includes(".sst") ? contents : `${globals}\n${contents}`, loader: "default" };
        });
      },
    },
  ];
}

async function bundle(options: { code: string; globals: string; banner?: string; define: Record<string, string>; inject?: string[] }): Promise<string> {
  const outfile = path.join(platformDir, `shopwave-test.${randomUUID()}.mjs`);
  await build({
    banner: { js: banner + (options.banner ?? "") },
    mainFields: ["module", "main"],
    format: "esm",
    platform: "node",
    sourcemap: "inline",
    stdin: { contents: options.code, resolveDir: repoRoot, sourcefile: "eval.ts", loader: "ts" },
    nodePaths: [path.join(platformDir, "node_modules")],
    plugins: cliPlugins(options.globals),
    external,
    define: options.define,
    inject: options.inject ?? [],
    outfile,
    write: true,
    bundle: true,
    logLevel: "silent",
  });
  return outfile;
}

/** `app()` of sst.config.ts for a stage, evaluated the way the CLI evaluates it. */
export async function evaluateAppConfig(stage: string): Promise<AppConfig> {
  ensureSstPlatform();
  const file = await bundle({
    globals: "",
    banner: "function $config(input) { return input }",
    define: { $input: JSON.stringify({ stage }) },
    code: `
import mod from ${JSON.stringify(configPath)};
console.log("~j" + JSON.stringify(await mod.app({ stage: $input.stage || undefined })));`,
  });
  try {
    const printed = execFileSync(process.execPath, ["--no-warnings", file], { encoding: "utf8" });
    const line = printed.split("\n").find((candidate) => candidate.startsWith("~j"));
    if (!line) throw new Error(`app() printed no configuration:\n${printed}`);
    return JSON.parse(line.slice(2)) as AppConfig;
  } finally {
    rmSync(file, { force: true });
  }
}

/** A minimal OpenNext build output, so sst.aws.Nextjs can plan the site without building web/. */
function writeOpenNextFixture(siteDir: string): void {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "storefront-fixture", private: true, scripts: { build: "next build" }, dependencies: { next: "^15.0.0" } }),
    ".next/BUILD_ID": "fixture-build",
    ".next/routes-manifest.json": JSON.stringify({ basePath: "" }),
    ".next/prerender-manifest.json": JSON.stringify({ version: 4, routes: {} }),
    ".open-next/server-functions/default/index.mjs": "export const handler = async () => ({});\n",
    ".open-next/image-optimization-function/index.mjs": "export const handler = async () => ({});\n",
    ".open-next/revalidation-function/index.mjs": "export const handler = async () => ({});\n",
    ".open-next/dynamodb-provider/index.mjs": "export const handler = async () => ({});\n",
    ".open-next/assets/favicon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    ".open-next/assets/_next/static/fixture/page.js": "export {};\n",
    ".open-next/cache/fixture-build/index.cache": "{}",
    ".open-next/open-next.output.json": JSON.stringify({
      edgeFunctions: {},
      origins: {
        s3: { type: "s3", originPath: "_assets", copy: [{ from: ".open-next/assets", to: "_assets", cached: true, versionedSubDir: "_next" }] },
        default: { type: "function", handler: "index.handler", bundle: ".open-next/server-functions/default", streaming: false },
        imageOptimizer: { type: "function", handler: "index.handler", bundle: ".open-next/image-optimization-function", streaming: false },
      },
      behaviors: [
        { pattern: "_next/image*", origin: "imageOptimizer" },
        { pattern: "_next/data/*", origin: "default" },
        { pattern: "*", origin: "default" },
        { pattern: "_next/*", origin: "s3" },
      ],
      additionalProps: {
        initializationFunction: { handler: "index.handler", bundle: ".open-next/dynamodb-provider" },
        revalidationFunction: { handler: "index.handler", bundle: ".open-next/revalidation-function" },
      },
    }),
  };
  for (const [file, contents] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(siteDir, file)), { recursive: true });
    writeFileSync(path.join(siteDir, file), contents);
  }
}

/** The EMAIL_SENDER every run deploys with unless its `env` says otherwise. */
export const TEST_EMAIL_SENDER = "orders@shop.example.com";

export interface RunOptions {
  stage: string;
  /** `sst dev` instead of `sst deploy`. */
  dev?: boolean;
  /** Stage secrets, as the CLI passes them (SST_SECRET_<Name>). */
  secrets: Record<string, string>;
  /** Extra deploy-time environment. */
  env?: Record<string, string>;
}

export async function runShopwaveProgram(options: RunOptions): Promise<ProgramRun> {
  const app = await evaluateAppConfig(options.stage);
  const scratch = mkdtempSync(path.join(tmpdir(), "shopwave-sst-"));
  const appRoot = path.join(scratch, "root");
  const workDir = path.join(scratch, "work");
  mkdirSync(workDir, { recursive: true });
  writeOpenNextFixture(path.join(appRoot, storefront.path));
  const resultFile = path.join(scratch, "result.json");
  const cli = {
    command: options.dev ? "dev" : "deploy",
    dev: options.dev === true,
    // The program runs from `root` (run() changes into it): there the storefront is the fixture.
    paths: { home: path.join(scratch, "home"), root: appRoot, work: workDir, platform: platformDir },
    state: { version: {} },
  };
  const appJson = { ...app, stage: options.stage, providers: { aws: {}, ...(app.providers ?? {}) }, version: "" };
  const lock = JSON.parse(readFileSync(path.join(repoRoot, ".sst", "provider-lock.json"), "utf8")) as { alias: string; package: string }[];
  const globals = [
    ...lock.map((entry) => `import * as ${entry.alias} from "${entry.package}";`),
    `import * as sst from "${path.join(platformDir, "src", "components")}";`,
  ].join("\n");
  const program = await bundle({
    globals,
    define: { $app: JSON.stringify(appJson), $cli: JSON.stringify(cli), $dev: String(options.dev === true) },
    inject: [path.join(platformDir, "src", "shim", "run.js")],
    code: `
import { run } from ${JSON.stringify(path.join(platformDir, "src", "auto", "run.ts"))};
import mod from ${JSON.stringify(configPath)};
const result = await run(mod.run);
export default result;`,
  });
  try {
    execFileSync(process.execPath, ["--import", require.resolve("tsx"), path.join(repoRoot, "infra", "test", "pulumi-mock-runner.ts"), program, resultFile], {
      cwd: appRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? scratch,
        SHOPWAVE_REPO_ROOT: repoRoot,
        SHOPWAVE_APP_ROOT: appRoot,
        SHOPWAVE_WORK_DIR: workDir,
        SHOPWAVE_PLATFORM_DIR: platformDir,
        SHOPWAVE_STAGE: options.stage,
        ...Object.fromEntries(Object.entries(options.secrets).map(([name, value]) => [`SST_SECRET_${name}`, value])),
        // The stage's sender address (infra/aws/email.ts refuses to deploy without one).
        [email.senderEnv]: TEST_EMAIL_SENDER,
        ...options.env,
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const result = JSON.parse(readFileSync(resultFile, "utf8")) as RunnerResult;
    return { ...result, app };
  } finally {
    rmSync(program, { force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}
