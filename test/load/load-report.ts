// The flash-sale report: what the shoppers saw, latencies per step, throughput, and the verdict
// from the database. Field names are part of the contract (scripts and CI read them):
// ordersConfirmed, ordersPerSecond, oversold, lost, and p50/p95/p99 under each latency step.
import { summarize, timeline, type LatencySummary, type TimelineBucket } from "./latency-summary";
import type { Arrival, FlashSaleRun } from "./flash-sale";
import { SHOPPER_STEPS, type ShopperStep } from "./shopper";
import type { DatabaseReading, DatabaseVerdict } from "./verdict";
import { formatEventOutcomes, type EventOutcomes } from "./event-outcomes";
import type { StepSample } from "./latency-summary";

export interface LoadReport {
  target: string;
  startedAt: string;
  wallSeconds: number;
  settings: { productId: string; shoppers: number; stock: number | null; concurrency: number; arrival: Arrival };
  ordersAttempted: number;
  ordersReserved: number;
  ordersRejectedSoldOut: number;
  ordersPaid: number;
  /** Orders their shoppers saw CONFIRMED. */
  ordersConfirmed: number;
  ordersCancelled: number;
  ordersDeclined: number;
  /** Paid orders still pending when their shopper stopped watching. */
  ordersUnsettled: number;
  /** Confirmed orders per second of wall time, from the start to the last confirmation (saleSeconds). */
  ordersPerSecond: number;
  saleSeconds: number;
  /** Unexpected answers (5xx, network errors, retried 503s, …), by kind. */
  errors: number;
  errorsByKind: Record<string, number>;
  latency: Record<ShopperStep, LatencySummary>;
  /**
   * Where "webhook → confirmed" (and arrival → confirmed) come from: the confirmed order's own
   * timestamp in the database minus the moment the payment page answered (exact), or, without
   * database access, the first order-page poll that saw CONFIRMED (late by up to one poll).
   */
  confirmationTimedBy: "database" | "order page polls";
  /** Messages in the order-events DLQ after the run (null: not checked), and how many arrived during it. */
  dlqDepth: number | null;
  dlqDepthIncrease: number | null;
  /** Units sold beyond the stock, from the database (null: not checked). */
  oversold: number | null;
  /** Paid orders not CONFIRMED at the end, from the database (null: not checked). */
  lost: number | null;
  database: DatabaseVerdict | null;
  /** The order events pipeline's counts next to the confirmed orders (null: not checked). */
  events: EventOutcomes | null;
  /** Parts of the verdict this run could not check, and why. */
  notChecked: string[];
  /** pass: oversold and lost are 0; fail: either is not; incomplete: either could not be checked. */
  verdict: "pass" | "fail" | "incomplete";
  timeline: TimelineBucket[];
}

export function buildLoadReport(input: {
  target: string;
  settings: LoadReport["settings"];
  run: FlashSaleRun;
  database: DatabaseReading | null;
  dlq: { before: number; after: number } | null;
  events?: EventOutcomes | null;
  notChecked: string[];
}): LoadReport {
  const { run } = input;
  const count = (predicate: (result: FlashSaleRun["results"][number]) => boolean) => run.results.filter(predicate).length;
  const samples = input.database ? withDatabaseConfirmationTimes(run, input.database.confirmedAt) : run.samples;
  const latency = Object.fromEntries(
    SHOPPER_STEPS.map((step) => [step, summarize(samples.filter((s) => s.step === step && s.ok).map((s) => s.ms))]),
  ) as Record<ShopperStep, LatencySummary>;
  const ordersConfirmed = count((r) => r.outcome === "confirmed");
  const wallSeconds = run.wallMs / 1000;
  // The sale lasts until its last confirmation; shoppers only notice it at their next poll.
  const lastConfirmationMs = Math.max(0, ...samples.filter((s) => s.step === "confirmation" && s.ok).map((s) => s.atMs));
  const saleSeconds = (lastConfirmationMs || run.wallMs) / 1000;
  const database: DatabaseVerdict | null = input.database?.verdict ?? null;
  const oversold = database?.oversold ?? null;
  const lost = database?.lost ?? null;
  return {
    target: input.target,
    startedAt: run.startedAt.toISOString(),
    wallSeconds: Math.round(wallSeconds * 100) / 100,
    settings: input.settings,
    ordersAttempted: count((r) => r.ordered),
    ordersReserved: count((r) => r.orderId !== null),
    ordersRejectedSoldOut: count((r) => r.outcome === "sold_out"),
    ordersPaid: count((r) => r.paid),
    ordersConfirmed,
    ordersCancelled: count((r) => r.outcome === "cancelled"),
    ordersDeclined: count((r) => r.outcome === "declined"),
    ordersUnsettled: count((r) => r.outcome === "unsettled"),
    ordersPerSecond: saleSeconds > 0 ? Math.round((ordersConfirmed / saleSeconds) * 100) / 100 : 0,
    saleSeconds: Math.round(saleSeconds * 100) / 100,
    errors: Object.values(run.errorsByKind).reduce((sum, n) => sum + n, 0),
    errorsByKind: run.errorsByKind,
    latency,
    confirmationTimedBy: input.database ? "database" : "order page polls",
    dlqDepth: input.dlq?.after ?? null,
    dlqDepthIncrease: input.dlq ? input.dlq.after - input.dlq.before : null,
    oversold,
    lost,
    database,
    events: input.events ?? null,
    notChecked: input.notChecked,
    verdict: oversold === null || lost === null ? "incomplete" : oversold === 0 && lost === 0 ? "pass" : "fail",
    timeline: timeline(samples, SHOPPER_STEPS),
  };
}

/** Replaces the poll-observed confirmation samples with exact ones from the orders' own timestamps. */
export function withDatabaseConfirmationTimes(run: FlashSaleRun, confirmedAt: ReadonlyMap<string, number>): StepSample<ShopperStep>[] {
  const start = run.startedAt.getTime();
  const exact: StepSample<ShopperStep>[] = [];
  for (const result of run.results) {
    const at = result.orderId ? confirmedAt.get(result.orderId) : undefined;
    if (at === undefined || result.paidAtMs === null) continue;
    const atMs = at - start;
    exact.push({ step: "confirmation", atMs, ms: Math.max(0, atMs - result.paidAtMs), ok: true });
    exact.push({ step: "endToEnd", atMs, ms: atMs - result.arrivedAtMs, ok: true });
  }
  return [...run.samples.filter((s) => s.step !== "confirmation" && s.step !== "endToEnd"), ...exact];
}

/** The report as terminal lines. */
export function formatLoadReport(report: LoadReport): string {
  const ms = (value: number | null) => (value === null ? "–" : `${value.toFixed(0)} ms`);
  const pad = (text: string, width: number) => text.padStart(width);
  const lines = [
    `Flash sale against ${report.target}: ${report.settings.shoppers} shoppers, stock ${report.settings.stock ?? "(unchanged)"}, concurrency ${report.settings.concurrency}, ${describeArrival(report.settings.arrival)}`,
    "",
    `  orders attempted      ${report.ordersAttempted}`,
    `  reserved              ${report.ordersReserved}`,
    `  rejected as sold out  ${report.ordersRejectedSoldOut}`,
    `  paid                  ${report.ordersPaid}`,
    `  confirmed             ${report.ordersConfirmed}` +
      (report.ordersCancelled + report.ordersDeclined + report.ordersUnsettled > 0
        ? `   (cancelled ${report.ordersCancelled}, declined ${report.ordersDeclined}, unsettled ${report.ordersUnsettled})`
        : ""),
    `  ordersPerSecond       ${report.ordersPerSecond} confirmed/s (${report.ordersConfirmed} in ${report.saleSeconds} s, from the start to the last confirmation)`,
    `  errors                ${report.errors}${report.errors > 0 ? `  ${JSON.stringify(report.errorsByKind)}` : ""}`,
    "",
    `  latency (confirmation timed by ${report.confirmationTimedBy})`,
    `                        ${pad("count", 6)} ${pad("p50", 9)} ${pad("p95", 9)} ${pad("p99", 9)} ${pad("max", 9)}`,
    ...SHOPPER_STEPS.map((step) => {
      const s = report.latency[step];
      return `  ${stepLabels[step].padEnd(21)} ${pad(String(s.count), 6)} ${pad(ms(s.p50), 9)} ${pad(ms(s.p95), 9)} ${pad(ms(s.p99), 9)} ${pad(ms(s.max), 9)}`;
    }),
    "",
    `  DLQ depth             ${report.dlqDepth ?? "not checked"}${report.dlqDepthIncrease ? ` (+${report.dlqDepthIncrease} during the run)` : ""}`,
    `  stock left            ${report.database?.stockLeft ?? "not checked"}${report.database ? `   units sold ${report.database.unitsSold}, unaccounted ${report.database.unitsUnaccounted}` : ""}`,
    `  oversold              ${report.oversold ?? "not checked"}`,
    `  lost                  ${report.lost ?? "not checked"}${report.database && report.database.lost > 0 ? `  ${report.database.lostOrderIds.slice(0, 5).join(", ")}` : ""}`,
    ...(report.events ? formatEventOutcomes(report.events) : []),
    ...report.notChecked.map((why) => `  not checked: ${why}`),
    "",
    `  verdict               ${report.verdict.toUpperCase()}`,
  ];
  return lines.join("\n");
}

export const stepLabels: Record<ShopperStep, string> = {
  productRead: "product read",
  orderCreate: "order create (201)",
  soldOutAnswer: "sold-out answer (409)",
  payment: "payment",
  confirmation: "webhook → confirmed",
  endToEnd: "shopper start → confirmed",
};

export function describeArrival(arrival: Arrival): string {
  switch (arrival.kind) {
    case "burst":
      return "all arriving at once";
    case "rate":
      return `arriving at ${arrival.perSecond}/s`;
    case "ramp":
      return `arrivals ramping up over ${arrival.seconds} s`;
  }
}
