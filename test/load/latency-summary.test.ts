import { expect, it } from "vitest";
import { percentile, summarize, timeline } from "./latency-summary";

it("takes nearest-rank percentiles", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(sorted, 50)).toBe(50);
  expect(percentile(sorted, 95)).toBe(95);
  expect(percentile(sorted, 99)).toBe(99);
  expect(percentile([7], 99)).toBe(7);
  expect(percentile([], 50)).toBeNull();
  expect(summarize([30, 10, 20])).toEqual({ count: 3, p50: 20, p95: 30, p99: 30, max: 30 });
});

it("buckets samples per second, counting errors apart from latencies", () => {
  const buckets = timeline(
    [
      { step: "a", atMs: 100, ms: 10, ok: true },
      { step: "a", atMs: 900, ms: 30, ok: true },
      { step: "a", atMs: 1500, ms: 99, ok: false },
      { step: "b", atMs: 2100, ms: 5, ok: true },
    ],
    ["a", "b"],
  );
  expect(buckets).toHaveLength(3);
  expect(buckets[0]).toMatchObject({ second: 0, completed: { a: 2, b: 0 }, errors: 0, p50: { a: 10, b: null }, p99: { a: 30 } });
  expect(buckets[1]).toMatchObject({ second: 1, completed: { a: 0 }, errors: 1 });
  expect(buckets[2]).toMatchObject({ second: 2, completed: { b: 1 } });
});
