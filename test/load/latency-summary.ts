// Percentiles of a set of latency samples, and per-second buckets of a run for its charts.
// Exact nearest-rank percentiles over every sample: a run holds at most a few hundred thousand
// samples, so sorting them is cheaper and clearer than a histogram's approximation.

export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile (the smallest sample with at least p % of samples at or below it). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms * 10) / 10);

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? null),
  };
}

/** One timestamped observation: which step finished, when (ms since the run's start), how long it took. */
export interface StepSample<Step extends string = string> {
  step: Step;
  atMs: number;
  ms: number;
  ok: boolean;
}

export interface TimelineBucket {
  /** Start of the bucket in seconds since the run's start. */
  second: number;
  /** Successful completions of each step in this second (a rate per second). */
  completed: Record<string, number>;
  errors: number;
  /** p50/p99 of each step's successful samples that finished in this second. */
  p50: Record<string, number | null>;
  p99: Record<string, number | null>;
}

export function timeline(samples: readonly StepSample[], steps: readonly string[], bucketMs = 1_000): TimelineBucket[] {
  const lastMs = samples.reduce((max, sample) => Math.max(max, sample.atMs), 0);
  const buckets = Array.from({ length: Math.floor(lastMs / bucketMs) + 1 }, () => ({
    errors: 0,
    byStep: new Map<string, number[]>(steps.map((step) => [step, []])),
  }));
  for (const sample of samples) {
    const bucket = buckets[Math.floor(sample.atMs / bucketMs)]!;
    if (!sample.ok) bucket.errors++;
    else bucket.byStep.get(sample.step)?.push(sample.ms);
  }
  return buckets.map((bucket, index) => {
    const entries = steps.map((step) => [step, [...bucket.byStep.get(step)!].sort((a, b) => a - b)] as const);
    return {
      second: (index * bucketMs) / 1000,
      completed: Object.fromEntries(entries.map(([step, values]) => [step, (values.length * 1000) / bucketMs])),
      errors: bucket.errors,
      p50: Object.fromEntries(entries.map(([step, values]) => [step, round(percentile(values, 50))])),
      p99: Object.fromEntries(entries.map(([step, values]) => [step, round(percentile(values, 99))])),
    };
  });
}
