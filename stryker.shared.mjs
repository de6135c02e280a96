// Mutation testing (npm run mutation; TESTING.md explains the numbers): plants small bugs in one
// package at a time (stryker.core.config.mjs, stryker.functions.config.mjs) and checks that some
// test beside that package's code fails. A package's own unit tests are the ones that must catch
// its bugs; running only those also keeps a run short (a core mutant would otherwise rerun every
// handler test that happens to pass through it). The integration suites are not run per mutant:
// each would start a whole local stack for every mutant (TESTING.md). Incremental: a rerun tests
// again only the mutants in changed code or covered by changed tests (the last result is kept in
// .artifacts/mutation/<package>/).

/**
 * The StrykerJS options for one workspace package under packages/.
 * @param {"core" | "functions"} name
 * @returns {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export function mutationConfig(name) {
  const reports = `.artifacts/mutation/${name}`;
  return {
    packageManager: "npm",
    testRunner: "vitest",
    // The tests per mutant come from the dry run's per-test coverage; vitest's related-file search on
    // top of that only costs time.
    vitest: { configFile: "vitest.config.ts", related: false },
    mutate: [`packages/${name}/src/**/*.ts`, "!**/*.test.ts"],
    testFiles: [`packages/${name}/src/**/*.test.ts`],
    coverageAnalysis: "perTest",
    // Static mutants (module-level code: zod schemas, constants) run when a module loads, so no
    // single test "covers" them and each would rerun the package's whole unit suite. They are
    // reported as Ignored; set ignoreStatic: false here to test them too (much slower).
    ignoreStatic: true,
    incremental: true,
    incrementalFile: `${reports}/incremental.json`,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `${reports}/index.html` },
    jsonReporter: { fileName: `${reports}/mutation.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    // Copied into each sandbox is what the tests need; build output and reports are not.
    ignorePatterns: [".sst", ".artifacts", ".open-next", "test-results", "playwright-report", "web/.next", "web/out"],
    // Generous: a runner's first test run includes module loading that the dry run's timings do not.
    timeoutMS: 30_000,
    // The dry run (the package's unit tests with per-test coverage) takes 3–7 min on an idle 2-core
    // machine; Stryker's default limit of 5 min is hit as soon as the machine is busy.
    dryRunTimeoutMinutes: 20,
    thresholds: { high: 80, low: 60, break: null },
  };
}
