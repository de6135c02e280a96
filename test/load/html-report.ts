// The flash-sale report as one self-contained HTML page: the verdict, the counts, a latency
// table and two SVG charts over the run's seconds (throughput, and p50/p99 latency per step).
// The SVG is rendered here rather than by a charting library because every maintained one
// either needs a browser DOM (Chart.js, Plot, ECharts' canvas) or brings a large runtime for two
// line charts; this page must open offline from a CI artifact with no script at all.
import type { LoadReport } from "./load-report";
import { describeArrival, stepLabels } from "./load-report";
import { SHOPPER_STEPS, type ShopperStep } from "./shopper";

export interface Series {
  name: string;
  color: string;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
  dashed?: boolean;
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Round step for about `count` ticks over [0, max]: 1, 2 or 5 × a power of ten. */
export function niceStep(max: number, count = 5): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

export function lineChartSvg(options: { title: string; xLabel: string; yLabel: string; xs: number[]; series: Series[]; width?: number; height?: number }): string {
  const width = options.width ?? 760;
  const plotHeight = options.height ?? 220;
  // Legend entries flow left to right and wrap, below the x axis.
  const legendItems: { series: Series; x: number; row: number }[] = [];
  let legendX = 0;
  let legendRow = 0;
  const legendWidth = width - 76;
  for (const series of options.series) {
    const itemWidth = 36 + series.name.length * 6.8;
    if (legendX > 0 && legendX + itemWidth > legendWidth) {
      legendX = 0;
      legendRow++;
    }
    legendItems.push({ series, x: legendX, row: legendRow });
    legendX += itemWidth;
  }
  const margin = { top: 30, right: 16, bottom: 48 + (legendRow + 1) * 16, left: 60 };
  const height = plotHeight + margin.top + margin.bottom;
  const plotW = width - margin.left - margin.right;
  const plotH = plotHeight;
  const xMax = Math.max(1, ...options.xs);
  const yMaxRaw = Math.max(0, ...options.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const yStep = niceStep(yMaxRaw || 1);
  const yMax = Math.ceil((yMaxRaw || 1) / yStep) * yStep;
  const xStep = niceStep(xMax, 8);
  const x = (value: number) => margin.left + (value / xMax) * plotW;
  const y = (value: number) => margin.top + plotH - (value / yMax) * plotH;

  const grid: string[] = [];
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    grid.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/>`);
    grid.push(`<text x="${margin.left - 6}" y="${y(v) + 4}" text-anchor="end">${+v.toPrecision(6)}</text>`);
  }
  for (let v = 0; v <= xMax + 1e-9; v += xStep) {
    grid.push(`<text x="${x(v)}" y="${margin.top + plotH + 16}" text-anchor="middle">${+v.toPrecision(6)}</text>`);
  }
  const lines = options.series.map((series) => {
    const segments: string[] = [];
    let current = "";
    series.values.forEach((value, i) => {
      if (value === null) {
        if (current) segments.push(current);
        current = "";
        return;
      }
      current += `${current ? "L" : "M"}${x(options.xs[i]!).toFixed(1)},${y(value).toFixed(1)}`;
    });
    if (current) segments.push(current);
    const points = series.values.filter((v) => v !== null).length;
    const dots =
      points < 3
        ? series.values.map((v, i) => (v === null ? "" : `<circle cx="${x(options.xs[i]!)}" cy="${y(v)}" r="3" fill="${series.color}"/>`)).join("")
        : "";
    return `<path d="${segments.join("")}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 4"' : ""}/>${dots}`;
  });
  const legend = legendItems
    .map(
      ({ series, x: left, row }) =>
        `<g transform="translate(${margin.left + left},${margin.top + plotH + 50 + row * 16})"><line x1="0" x2="18" y1="-4" y2="-4" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 4"' : ""}/><text x="24" y="0">${escape(series.name)}</text></g>`,
    )
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escape(options.title)}" font-family="system-ui, sans-serif" font-size="11" fill="#374151">`,
    `<text x="${margin.left}" y="18" font-size="14" font-weight="600">${escape(options.title)}</text>`,
    ...grid,
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#9ca3af"/>`,
    `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#9ca3af"/>`,
    `<text transform="translate(14,${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`,
    `<text x="${margin.left + plotW}" y="${margin.top + plotH + 30}" text-anchor="end">${escape(options.xLabel)}</text>`,
    ...lines,
    legend,
    "</svg>",
  ].join("\n");
}

const colors: Record<ShopperStep, string> = {
  productRead: "#6b7280",
  orderCreate: "#2563eb",
  soldOutAnswer: "#9333ea",
  payment: "#d97706",
  confirmation: "#059669",
  endToEnd: "#dc2626",
};

export function renderHtmlReport(report: LoadReport): string {
  const xs = report.timeline.map((bucket) => bucket.second);
  const throughput = lineChartSvg({
    title: "Throughput per second",
    xLabel: "seconds since start",
    yLabel: "per second",
    xs,
    series: [
      { name: "orders created", color: colors.orderCreate, values: report.timeline.map((b) => b.completed.orderCreate ?? 0) },
      { name: "sold-out answers", color: colors.soldOutAnswer, values: report.timeline.map((b) => b.completed.soldOutAnswer ?? 0) },
      { name: "payments", color: colors.payment, values: report.timeline.map((b) => b.completed.payment ?? 0) },
      { name: "confirmed", color: colors.confirmation, values: report.timeline.map((b) => b.completed.confirmation ?? 0) },
      { name: "errors", color: "#b91c1c", values: report.timeline.map((b) => b.errors), dashed: true },
    ],
  });
  const latencySteps: ShopperStep[] = ["orderCreate", "payment", "confirmation"];
  const latency = lineChartSvg({
    title: "Latency per second of the run (solid p50, dashed p99)",
    xLabel: "seconds since start",
    yLabel: "ms",
    xs,
    series: latencySteps.flatMap((step) => [
      { name: `${stepLabels[step]} p50`, color: colors[step], values: report.timeline.map((b) => b.p50[step] ?? null) },
      { name: `${stepLabels[step]} p99`, color: colors[step], values: report.timeline.map((b) => b.p99[step] ?? null), dashed: true },
    ]),
  });
  const verdictColor = report.verdict === "pass" ? "#047857" : report.verdict === "fail" ? "#b91c1c" : "#b45309";
  const row = (label: string, value: string | number | null) => `<tr><th>${escape(label)}</th><td>${escape(String(value ?? "not checked"))}</td></tr>`;
  const ms = (v: number | null) => (v === null ? "–" : v.toFixed(0));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shopwave flash sale ${escape(report.startedAt)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:800px;color:#111827;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0}th,td{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #e5e7eb}
td.n{text-align:right;font-variant-numeric:tabular-nums}.verdict{font-size:1.4rem;font-weight:700;color:${verdictColor}}
svg{max-width:100%;height:auto;margin:1rem 0}
</style></head><body>
<h1>Flash sale</h1>
<p>${escape(report.target)} · ${escape(report.startedAt)} · ${report.settings.shoppers} shoppers for ${report.settings.stock ?? "the current"} units of <code>${escape(report.settings.productId)}</code>, concurrency ${report.settings.concurrency}, ${escape(describeArrival(report.settings.arrival))}</p>
<p class="verdict">Verdict: ${report.verdict.toUpperCase()} — oversold ${report.oversold ?? "not checked"}, lost ${report.lost ?? "not checked"}</p>
${report.notChecked.map((why) => `<p>Not checked: ${escape(why)}</p>`).join("\n")}
<table>
${row("orders attempted", report.ordersAttempted)}
${row("reserved", report.ordersReserved)}
${row("rejected as sold out", report.ordersRejectedSoldOut)}
${row("paid", report.ordersPaid)}
${row("confirmed", report.ordersConfirmed)}
${row("confirmed per second", `${report.ordersPerSecond} (start to last confirmation: ${report.saleSeconds} s)`)}
${row("errors", report.errors > 0 ? `${report.errors} ${JSON.stringify(report.errorsByKind)}` : 0)}
${row("DLQ depth", report.dlqDepth)}
${row("stock left", report.database?.stockLeft ?? null)}
</table>
${throughput}
${latency}
<table><tr><th>step</th><th>count</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>
${SHOPPER_STEPS.map((step) => {
  const s = report.latency[step];
  return `<tr><th>${escape(stepLabels[step])}</th><td class="n">${s.count}</td><td class="n">${ms(s.p50)}</td><td class="n">${ms(s.p95)}</td><td class="n">${ms(s.p99)}</td><td class="n">${ms(s.max)}</td></tr>`;
}).join("\n")}
</table>
</body></html>
`;
}
