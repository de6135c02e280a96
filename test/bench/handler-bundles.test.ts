// Guards what the benchmark found: handler bundles must not carry the whole of zod. A module that
// writes `import { z } from "zod"` makes the bundler keep every zod locale and every schema kind
// (443 KB of each bundle); `import * as z from "zod"` lets it keep what the handler uses.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { bundleHandlers, topologyHandlers } from "./handler-bundles";

const outDir = mkdtempSync(path.join(os.tmpdir(), "shopwave-bundles-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it("bundles every function of the topology, and none of them carries zod's locales", async () => {
  const bundles = await bundleHandlers(outDir);
  expect(bundles.map((b) => b.name)).toEqual([...topologyHandlers().map((h) => h.name), "empty-handler"]);
  for (const bundle of bundles) {
    const locales = bundle.inputs.filter((input) => /zod\/v4\/locales\/(?!en\.js)/.test(input));
    expect({ handler: bundle.name, foreignLocales: locales.length }).toEqual({ handler: bundle.name, foreignLocales: 0 });
  }
});
