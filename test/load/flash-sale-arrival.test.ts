import { expect, it } from "vitest";
import { arrivalTimeMs } from "./flash-sale";
import { lineChartSvg, niceStep } from "./html-report";

it("schedules arrivals all at once, at a rate, or on a linear ramp", () => {
  expect(arrivalTimeMs({ kind: "burst" }, 99, 100)).toBe(0);
  expect(arrivalTimeMs({ kind: "rate", perSecond: 50 }, 100, 1000)).toBe(2000);
  // A linear ramp: a quarter of the shoppers arrive in the first half of it.
  expect(arrivalTimeMs({ kind: "ramp", seconds: 10 }, 250, 1000)).toBeCloseTo(5000);
  expect(arrivalTimeMs({ kind: "ramp", seconds: 10 }, 1000, 1000)).toBe(10_000);
});

it("draws a chart with round ticks and a gap where a series has no value", () => {
  expect([niceStep(7), niceStep(730), niceStep(0.3)]).toEqual([2, 200, 0.1]);
  const svg = lineChartSvg({ title: "t", xLabel: "s", yLabel: "ms", xs: [0, 1, 2, 3], series: [{ name: "a", color: "#000", values: [1, null, 3, 4] }] });
  expect(svg.startsWith("<svg")).toBe(true);
  const path = /<path d="([^"]+)"/.exec(svg)![1]!;
  expect(path.match(/M/g)).toHaveLength(2); // two segments around the gap
});
