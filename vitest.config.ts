// Four projects: fast unit tests beside the code, the SST program's tests under Pulumi mocks
// (infra/), integration suites under test/ that start the embedded local stack on free loopback
// ports, and the small flash-sale load run (test/load).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    // The workspace packages by path from this file rather than through node_modules' symlinks
    // (the same files): a mutation-testing sandbox (npm run mutation) copies the sources but links
    // node_modules back to the original tree, and its tests must load the mutated copies.
    alias: [
      { find: /^@shopwave\/(core|functions|local)\/(.*)$/, replacement: `${root}packages/$1/src/$2.ts` },
      { find: /^@shopwave\/infra\/(.*)$/, replacement: `${root}infra/$1.ts` },
    ],
  },
  test: {
    env: { SHOPWAVE_LOCAL_LOG: "silent", POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_DEV: "false", POWERTOOLS_METRICS_DISABLED: "true" },
    projects: [
      {
        extends: true,
        // Unit tests run first (group 0); the integration group starts after them. Those that need
        // real tables share one DynamoDB Local started here (test/support/unit-store.ts), those that
        // send mail one local SES (test/support/ses-global-setup.ts).
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "scripts/**/*.test.ts", "web/{lib,components}/**/*.test.ts", "test/support/**/*.test.ts"],
          globalSetup: ["test/support/dynamodb-global-setup.ts", "test/support/ses-global-setup.ts"],
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // The SST program under Pulumi mocks (each run a child process holding @pulumi/aws).
        test: { name: "infra", include: ["infra/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 300_000, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "test/reliability/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file starts its own stack (a JVM for DynamoDB Local among it): two at a time fits 2 cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        // The small flash sale (test/load) and the bundle guard (test/bench), after the integration suites, alone.
        test: { name: "load", include: ["test/load/**/*.test.ts", "test/bench/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 120_000, maxWorkers: 1, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
