// Child-process entry that runs a bundled SST program (built by sst-program.ts exactly as the SST
// CLI builds sst.config.ts) under Pulumi's unit-test mocks, with the SST RPC stand-in, and writes
// every registered resource, data-source call and build to a JSON file. A process of its own,
// because a program changes process-wide state (Pulumi's runtime, SST's link wrappers, cwd).
//
// argv: <bundle.mjs> <result.json>; env: SHOPWAVE_REPO_ROOT, SHOPWAVE_APP_ROOT, SHOPWAVE_WORK_DIR,
// SHOPWAVE_PLATFORM_DIR, SHOPWAVE_STAGE.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { mockCall, mockResource, type MockCallArgs, type MockResourceArgs } from "./aws-mocks";
import { startSstRpcStandIn } from "./sst-rpc-stand-in";

export interface RecordedResource {
  urn: string;
  id: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  protect: boolean;
  retainOnDelete: boolean;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

export interface RunnerResult {
  resources: RecordedResource[];
  calls: { token: string; inputs: Record<string, unknown> }[];
  unknownCalls: string[];
  outputs: Record<string, unknown>;
  rpc: Awaited<ReturnType<typeof startSstRpcStandIn>>["record"];
  error?: string;
}

/** The part of @pulumi/pulumi used here (its types live in .sst/platform, outside this program). */
interface PulumiRuntime {
  runtime: {
    setMocks(
      mocks: { newResource(args: MockResourceArgs): unknown; call(args: MockCallArgs): unknown },
      project: string,
      stack: string,
      preview: boolean,
    ): Promise<void>;
    runInPulumiStack(init: () => Promise<unknown>): Promise<Record<string, unknown> | undefined>;
    disconnect(): Promise<void>;
  };
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Pulumi's wire markers: `{ [SIG_KEY]: SECRET_SIG, value }` is a value marked secret. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Plain JSON of mock inputs: secret markers unwrapped, assets and archives as their paths, no functions. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => {
      if (item && typeof item === "object") {
        const object = item as Record<string, unknown>;
        if (object[SIG_KEY] === SECRET_SIG) return object.value;
        if (object.__pulumiAsset || object.__pulumiArchive) return { asset: String(object.path ?? object.text ?? "") };
      }
      return typeof item === "function" ? undefined : item;
    }),
  );
}

async function main() {
  const [bundlePath, resultPath] = process.argv.slice(2);
  if (!bundlePath || !resultPath) throw new Error("usage: pulumi-mock-runner <bundle.mjs> <result.json>");
  const platformRequire = createRequire(path.join(env("SHOPWAVE_PLATFORM_DIR"), "package.json"));
  // The same module instance the bundle imports (it resolves @pulumi/pulumi from .sst/platform).
  const pulumi = platformRequire("@pulumi/pulumi") as PulumiRuntime;
  const settings = platformRequire("@pulumi/pulumi/runtime/settings") as { getMonitor(): any };
  const rpcSerialization = platformRequire("@pulumi/pulumi/runtime/rpc") as { deserializeProperties(struct: unknown): Record<string, unknown> };

  const rpc = await startSstRpcStandIn({
    repoRoot: env("SHOPWAVE_REPO_ROOT"),
    appRoot: env("SHOPWAVE_APP_ROOT"),
    workDir: env("SHOPWAVE_WORK_DIR"),
  });
  process.env.SST_SERVER = rpc.url;

  const result: RunnerResult = { resources: [], calls: [], unknownCalls: [], outputs: {}, rpc: rpc.record };

  await pulumi.runtime.setMocks(
    {
      newResource(args: MockResourceArgs) {
        return mockResource(args);
      },
      call(args: MockCallArgs) {
        result.calls.push({ token: args.token, inputs: plain(args.inputs) as Record<string, unknown> });
        const answer = mockCall(args);
        if (answer) return answer;
        result.unknownCalls.push(args.token);
        return {};
      },
    },
    "shopwave",
    env("SHOPWAVE_STAGE"),
    false,
  );

  // The mock monitor hands newResource only type, name and inputs; the registration request also
  // carries the parent and the options that matter here (protect, retainOnDelete).
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request: any, callback: (error: unknown, response: any) => void) =>
    register(request, (error: unknown, response: any) => {
      if (!error && response) {
        const type: string = request.getType();
        const name: string = request.getName();
        result.resources.push({
          urn: response.getUrn(),
          id: response.getId(),
          type,
          name,
          custom: request.getCustom(),
          parent: request.getParent(),
          protect: request.getProtect() === true,
          retainOnDelete: request.getRetainondelete() === true,
          inputs: plain(rpcSerialization.deserializeProperties(request.getObject())) as Record<string, unknown>,
          state: plain(rpcSerialization.deserializeProperties(response.getObject())) as Record<string, unknown>,
        });
      }
      callback(error, response);
    });

  try {
    const outputs = await pulumi.runtime.runInPulumiStack(async () => (await import(pathToFileURL(bundlePath).href)).default);
    await pulumi.runtime.disconnect();
    result.outputs = plain(outputs ?? {}) as Record<string, unknown>;
  } catch (error) {
    result.error = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
  } finally {
    await rpc.stop();
  }
  writeFileSync(resultPath, JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
