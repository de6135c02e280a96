// Every Lambda handler of the topology (API routes, queue consumers, crons) bundled as it ships:
// esbuild, minified ESM for the deployed Node runtime, AWS SDK included, the createRequire banner
// SST adds for CommonJS dependencies. Then each bundle's cold start in a fresh Node process:
// import, and first invocation against the local stack, next to an empty handler's.
import { execFile } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { build, type BuildOptions, type Metafile } from "esbuild";
import { crons, lambdaRuntime, queues, routes } from "@shopwave/infra/topology";
import { repoRoot } from "@shopwave/local/aws/handler-loader";
import { functionNameFor } from "@shopwave/local/aws/lambda-context";

const run = promisify(execFile);

export interface HandlerDeclaration {
  /** Lambda's function name for the handler, e.g. `api-list-products`. */
  name: string;
  /** SST handler reference, `<file without extension>.<export>`. */
  handler: string;
  kind: "route" | "consumer" | "cron" | "baseline";
  route?: { method: string; path: string };
}

/** Every function the topology deploys, in its own order. */
export function topologyHandlers(): HandlerDeclaration[] {
  return [
    ...routes.map((route) => ({ name: functionNameFor(route.handler), handler: route.handler, kind: "route" as const, route: { method: route.method, path: route.path } })),
    ...Object.values(queues).map((queue) => ({ name: functionNameFor(queue.consumer.handler), handler: queue.consumer.handler, kind: "consumer" as const })),
    ...Object.values(crons).map((cron) => ({ name: functionNameFor(cron.handler), handler: cron.handler, kind: "cron" as const })),
  ];
}

export interface BundleResult extends HandlerDeclaration {
  file: string;
  bytes: number;
  /** The same bundle leaving the AWS SDK to the Lambda runtime's copy (for comparison only: SST bundles it). */
  bytesWithoutSdk: number;
  /** The inputs that weigh most in the bundle (bytes after minification), heaviest first. */
  heaviestInputs: { input: string; bytes: number }[];
  /** Every source file that contributed bytes to the bundle. */
  inputs: string[];
}

/** Node's major version of the deployed runtime (`nodejs24.x` → `node24`), esbuild's target. */
export const esbuildTarget = lambdaRuntime.runtime.replace(/^nodejs(\d+)\.x$/, "node$1");

const EMPTY_HANDLER = "export const handler = async () => ({ statusCode: 200, body: \"\" });\n";

export async function bundleHandlers(outDir: string): Promise<BundleResult[]> {
  mkdirSync(outDir, { recursive: true });
  mkdirSync(path.join(outDir, "src"), { recursive: true });
  const baselineSource = path.join(outDir, "src", "empty-handler.mjs");
  writeFileSync(baselineSource, EMPTY_HANDLER);
  const declarations: (HandlerDeclaration & { entry: string })[] = [
    ...topologyHandlers().map((d) => ({ ...d, entry: path.join(repoRoot, `${d.handler.slice(0, d.handler.lastIndexOf("."))}.ts`) })),
    { name: "empty-handler", handler: "empty-handler.handler", kind: "baseline", entry: baselineSource },
  ];
  return Promise.all(
    declarations.map(async ({ entry, ...declaration }) => {
      const file = path.join(outDir, `${declaration.name}.mjs`);
      const options = {
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: "esm",
        platform: "node",
        target: esbuildTarget,
        mainFields: ["module", "main"],
        // What SST puts on every ESM bundle, so CommonJS dependencies can still `require`.
        banner: { js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);" },
        legalComments: "none",
        metafile: true,
        logLevel: "silent",
      } satisfies BuildOptions;
      const result = await build({ ...options, outfile: file });
      const withoutSdk = await build({ ...options, write: false, outfile: file, external: ["@aws-sdk/*", "@smithy/*"] });
      return {
        ...declaration,
        file,
        bytes: statSync(file).size,
        bytesWithoutSdk: withoutSdk.outputFiles[0]!.contents.byteLength,
        heaviestInputs: heaviestInputs(result.metafile, 8),
        inputs: Object.values(result.metafile.outputs).flatMap((output) => Object.keys(output.inputs).filter((input) => output.inputs[input]!.bytesInOutput > 0)),
      };
    }),
  );
}

/** Bytes each package (or our own source) contributes to the output, heaviest first. */
function heaviestInputs(metafile: Metafile, limit: number): { input: string; bytes: number }[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match ? match[1]! : input.replace(/^.*?(packages|infra)\//, "$1/");
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([input, bytes]) => ({ input, bytes }));
}

export interface ColdStart {
  /** Importing the bundle (Lambda's init phase). */
  importMs: number;
  /** The first invocation, including every lazily created client and connection. */
  firstInvokeMs: number;
  /** What the invocation answered (status code, or batch failures), to show it really ran. */
  outcome: string;
}

const HARNESS = `// Written by test/bench/handler-bundles.ts: imports one bundle and invokes it once, timed.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
const [bundle, eventJson] = process.argv.slice(2);
const t0 = performance.now();
const module = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
const context = {
  functionName: "bench", functionVersion: "$LATEST", awsRequestId: "bench-" + process.pid, memoryLimitInMB: "1024",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:bench", logGroupName: "/aws/lambda/bench", logStreamName: "bench",
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000,
};
const result = await module.handler(JSON.parse(eventJson), context);
const t2 = performance.now();
const outcome = result && typeof result === "object" && "statusCode" in result ? String(result.statusCode)
  : result && typeof result === "object" && "batchItemFailures" in result ? result.batchItemFailures.length + " batch failures" : typeof result;
process.stdout.write("\\n" + JSON.stringify({ importMs: t1 - t0, firstInvokeMs: t2 - t1, outcome }) + "\\n");
process.exit(0);
`;

/** Cold starts of one bundle in `runs` fresh processes (sequential: the machine is small). */
export async function measureColdStarts(
  bundle: string,
  event: unknown,
  env: Record<string, string>,
  runs: number,
  options: { harnessDir: string; nodeOptions?: string[] },
): Promise<ColdStart[]> {
  const harness = path.join(options.harnessDir, "cold-start-harness.mjs");
  writeFileSync(harness, HARNESS);
  const results: ColdStart[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, [...(options.nodeOptions ?? []), harness, bundle, JSON.stringify(event)], {
      // Logs as on AWS (JSON lines); they go nowhere here.
      env: { PATH: process.env.PATH ?? "", ...env, POWERTOOLS_DEV: "false", AWS_LAMBDA_FUNCTION_NAME: "bench" },
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = stdout.trim().split("\n").at(-1)!;
    results.push(JSON.parse(line) as ColdStart);
  }
  return results;
}
