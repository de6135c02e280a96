// Resolves SST-style handler references from infra/topology (`path/to/file.export`) to the
// exported function, importing the TypeScript source the same way SST bundles it.
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

export const repoRoot = path.resolve(fileURLToPath(new URL("../../../..", import.meta.url)));

export async function loadHandler<Handler>(handlerRef: string): Promise<Handler> {
  const dot = handlerRef.lastIndexOf(".");
  const file = path.join(repoRoot, `${handlerRef.slice(0, dot)}.ts`);
  const exportName = handlerRef.slice(dot + 1);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== "function") throw new Error(`${file} does not export a function named "${exportName}".`);
  return handler as Handler;
}
