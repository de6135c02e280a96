// Stands in for the SST CLI's RPC server, which SST components call while a program runs
// (`SST_SERVER`): the bootstrap bucket of a region, and `Runtime.Build`, where the real CLI bundles
// a function's handler with esbuild and encrypts its links into the bundle. Here a build checks
// that the handler's source file and export exist, writes a placeholder bundle, and records what
// the function was built with (handler, runtime, architecture, the links it can read), so tests
// can assert it. Any other method is recorded as unexpected.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface RecordedBuild {
  functionID: string;
  handler: string;
  bundle?: string;
  runtime?: string;
  architecture?: string;
  /** Names of the resources linked to the function (what its encrypted bundle would hold). */
  links: Record<string, Record<string, unknown>>;
}

export interface RpcRecord {
  builds: RecordedBuild[];
  devTargets: { functionID: string; handler: string; runtime?: string }[];
  unexpected: string[];
  buildErrors: string[];
}

interface BuildInput {
  functionID: string;
  handler: string;
  bundle?: string;
  runtime?: string;
  links?: Record<string, Record<string, unknown>>;
  properties?: { architecture?: string };
}

const SOURCE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/** The problem with a `<file>.<export>` handler reference, or undefined when it resolves. */
function handlerProblem(repoRoot: string, handler: string): string | undefined {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) return `handler "${handler}" is not <file>.<export>`;
  const file = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const source = SOURCE_EXTENSIONS.map((extension) => path.join(repoRoot, file + extension)).find((candidate) => existsSync(candidate));
  if (!source) return `handler "${handler}": no source file ${file}{${SOURCE_EXTENSIONS.join(",")}}`;
  const exported = new RegExp(`export\\s+(const|let|async\\s+function|function)\\s+${exportName}\\b|export\\s*\\{[^}]*\\b${exportName}\\b[^}]*\\}`);
  if (!exported.test(readFileSync(source, "utf8"))) return `handler "${handler}": ${path.relative(repoRoot, source)} does not export "${exportName}"`;
  return undefined;
}

export async function startSstRpcStandIn(options: { repoRoot: string; appRoot: string; workDir: string }) {
  const record: RpcRecord = { builds: [], devTargets: [], unexpected: [], buildErrors: [] };

  const methods: Record<string, (args: any) => unknown> = {
    "Provider.Aws.Bootstrap": ({ region }: { region: string }) => ({
      asset: `sst-asset-test-${region}`,
      assetEcrRegistryId: "123456789012",
      assetEcrUrl: `123456789012.dkr.ecr.${region}.amazonaws.com/sst-asset`,
      state: `sst-state-test-${region}`,
      appsyncHttp: "appsync.test.invalid",
      appsyncRealtime: "appsync-realtime.test.invalid",
    }),
    "Provider.Aws.Appsync": () => ({ http: "appsync.test.invalid", realtime: "appsync-realtime.test.invalid" }),
    "Runtime.AddTarget": (input: BuildInput) => {
      record.devTargets.push({ functionID: input.functionID, handler: input.handler, ...(input.runtime ? { runtime: input.runtime } : {}) });
      return {};
    },
    "Runtime.Build": (input: BuildInput) => {
      record.builds.push({
        functionID: input.functionID,
        handler: input.handler,
        ...(input.bundle ? { bundle: input.bundle } : {}),
        ...(input.runtime ? { runtime: input.runtime } : {}),
        ...(input.properties?.architecture ? { architecture: input.properties.architecture } : {}),
        links: input.links ?? {},
      });
      if (input.bundle) {
        // A prebuilt bundle (the storefront's OpenNext output): SST zips it as it is.
        const out = path.resolve(options.appRoot, input.bundle);
        const errors = existsSync(out) ? [] : [`bundle ${input.bundle} does not exist`];
        record.buildErrors.push(...errors);
        return { handler: input.handler, out, errors, sourcemaps: [] };
      }
      const problem = handlerProblem(options.repoRoot, input.handler);
      if (problem) {
        record.buildErrors.push(problem);
        return { handler: input.handler, out: "", errors: [problem], sourcemaps: [] };
      }
      const out = path.join(options.workDir, "builds", input.functionID);
      const file = input.handler.slice(0, input.handler.lastIndexOf("."));
      mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
      writeFileSync(path.join(out, `${file}.mjs`), "export const handler = async () => ({});\n");
      return { handler: input.handler, out, errors: [], sourcemaps: [] };
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const reply = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      try {
        const { method, params } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { method: string; params: unknown[] };
        const implementation = methods[method];
        if (!implementation) {
          record.unexpected.push(method);
          // The CLI's own answer for an unknown method; SST's rpc client maps it to MethodNotFoundError.
          return reply({ error: `rpc: can't find method ${method}` });
        }
        reply({ result: implementation(params[0]), error: null });
      } catch (error) {
        reply({ error: String(error) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    record,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
