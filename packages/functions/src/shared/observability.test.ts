// runInvocation's promises: every invocation gets its own logger with its keys and the Lambda
// context, and the metrics it counted are published however it ends (a thrown error included).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureOutput, lambdaContext } from "../../../../test/support/handler-harness";

const savedEnv = { ...process.env };
let out: ReturnType<typeof captureOutput>;
async function load() {
  process.env = { ...savedEnv, POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_METRICS_DISABLED: "false", POWERTOOLS_DEV: "false" };
  vi.resetModules();
  return import("./observability");
}
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = savedEnv;
});

describe("runInvocation", () => {
  it("logs with the invocation's keys and Lambda context, and publishes what it counted", async () => {
    const { countMetric, runInvocation } = await load();
    const result = await runInvocation(lambdaContext("observed"), { route: "GET /x" }, async (log) => {
      countMetric("Things", 3);
      countMetric("Once");
      log.info("working");
      return 42;
    });
    expect(result).toBe(42);
    expect(out.logged("working")).toEqual([expect.objectContaining({ route: "GET /x", function_name: "observed", service: "shopwave" })]);
    expect(out.metrics()).toEqual({ Things: 3, Once: 1 });
    const [emf] = out.printed.filter((line) => line._aws);
    expect(emf!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: "Shopwave", Metrics: expect.arrayContaining([{ Name: "Things", Unit: "Count" }]) });
  });

  it("publishes the metrics counted before a failure, and rethrows it", async () => {
    const { countMetric, runInvocation } = await load();
    await expect(
      runInvocation(lambdaContext("failing"), {}, async () => {
        countMetric("BeforeFailure");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(out.metrics()).toEqual({ BeforeFailure: 1 });
  });

  it("publishes nothing when nothing was counted", async () => {
    const { runInvocation } = await load();
    await runInvocation(lambdaContext("quiet"), {}, async () => undefined);
    expect(out.printed.filter((line) => line._aws)).toEqual([]);
  });
});
