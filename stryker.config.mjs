// Mutation testing (npm run mutation; TESTING.md explains the numbers): plants small bugs in the
// domain (packages/core) and the handlers (packages/functions) one at a time and checks that some
// test fails. Killed by the tests beside the code (the unit project, which shares one DynamoDB
// Local through its globalSetup); the integration suites are not run per mutant: each would start
// a whole local stack for every mutant (TESTING.md). Incremental: a rerun tests again only the
// mutants in changed code or covered by changed tests (the last result is kept in .artifacts/).
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  // The tests per mutant come from the dry run's per-test coverage; vitest's related-file search on
  // top of that only costs time.
  vitest: { configFile: "vitest.config.ts", related: false },
  mutate: ["packages/core/src/**/*.ts", "packages/functions/src/**/*.ts", "!**/*.test.ts"],
  testFiles: ["packages/*/src/**/*.test.ts", "test/support/**/*.test.ts"],
  coverageAnalysis: "perTest",
  // Static mutants (module-level code: zod schemas, constants) run when a module loads, so no
  // single test "covers" them and each would rerun the whole unit suite. They are reported as
  // Ignored; set ignoreStatic: false here to test them too (much slower).
  ignoreStatic: true,
  incremental: true,
  incrementalFile: ".artifacts/mutation/incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: ".artifacts/mutation/index.html" },
  jsonReporter: { fileName: ".artifacts/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  // Copied into each sandbox is what the tests need; build output and reports are not.
  ignorePatterns: [".sst", ".artifacts", ".open-next", "test-results", "playwright-report", "web/.next", "web/out"],
  // Generous: a runner's first test run includes module loading that the dry run's timings do not.
  timeoutMS: 30_000,
  // The dry run (the whole unit project with per-test coverage) takes ~2 min on an idle 2-core
  // machine; Stryker's default limit of 5 min is hit as soon as the machine is busy.
  dryRunTimeoutMinutes: 20,
  thresholds: { high: 80, low: 60, break: null },
};
