// Resolves SST-style handler references from infra/topology (`path/to/file.export`) to the
// exported function, importing the TypeScript source the same way SST bundles it. Every loaded
// handler passes its invocations through an optional observer, so a measuring tool (the load
// test's usage meter) can time each one and tell which function made a request.
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

export const repoRoot = path.resolve(fileURLToPath(new URL("../../../..", import.meta.url)));

export type InvocationObserver = (handlerRef: string, args: unknown[], run: () => Promise<unknown>) => Promise<unknown>;
let observer: InvocationObserver | undefined;

/** Sees every invocation of every handler loaded in this process (undefined stops observing). */
export function observeInvocations(next: InvocationObserver | undefined): void {
  observer = next;
}

export async function loadHandler<Handler>(handlerRef: string): Promise<Handler> {
  const dot = handlerRef.lastIndexOf(".");
  const file = path.join(repoRoot, `${handlerRef.slice(0, dot)}.ts`);
  const exportName = handlerRef.slice(dot + 1);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== "function") throw new Error(`${file} does not export a function named "${exportName}".`);
  const observed = (...args: unknown[]) => {
    if (!observer) return handler(...args);
    return observer(handlerRef, args, async () => handler(...args));
  };
  return observed as Handler;
}
