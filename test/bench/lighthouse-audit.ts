// Runs Lighthouse (the npm `lighthouse` package) on one page in Debian's Chromium, as a mobile or
// a desktop visitor, and returns the four category scores, the metrics behind performance, and
// whether the page may enter the back/forward cache. Each audit gets a fresh Chromium (its own
// profile directory), so one page's cache and service state cannot help the next.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

export type FormFactor = "mobile" | "desktop";

export interface LighthouseResult {
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  /** The bf-cache audit: null when Lighthouse could not test it. */
  bfcache: { eligible: boolean | null; failures: string[] };
  metrics: { lcpMs: number; tbtMs: number; cls: number; fcpMs: number };
}

/** Flags of the other browser benchmarks and tests: headless, no sandbox (containers), nothing phoning home. */
export const CHROMIUM_FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function launchChromium(executable: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), "shopwave-lighthouse-"));
  const child = spawn(executable, [...CHROMIUM_FLAGS, "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`Chromium did not open its DevTools port:\n${output}`)), 30_000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      output += chunk;
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`Chromium exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    port,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function auditPage(url: string, formFactor: FormFactor, executable: string): Promise<LighthouseResult> {
  const chromium = await launchChromium(executable);
  try {
    const result = await lighthouse(
      url,
      { port: chromium.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility", "best-practices", "seo"] },
      formFactor === "desktop" ? desktopConfig : undefined,
    );
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    const { categories, audits } = result.lhr;
    const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
    const numeric = (id: string) => audits[id]?.numericValue ?? Number.NaN;
    const bf = audits["bf-cache"];
    const failures = ((bf?.details as { items?: { reason?: string }[] } | undefined)?.items ?? []).map((item) => String(item.reason ?? "")).filter(Boolean);
    return {
      performance: score("performance"),
      accessibility: score("accessibility"),
      bestPractices: score("best-practices"),
      seo: score("seo"),
      bfcache: { eligible: bf?.score === null || bf?.score === undefined ? null : bf.score === 1, failures },
      metrics: {
        lcpMs: numeric("largest-contentful-paint"),
        tbtMs: numeric("total-blocking-time"),
        cls: numeric("cumulative-layout-shift"),
        fcpMs: numeric("first-contentful-paint"),
      },
    };
  } finally {
    await chromium.stop();
  }
}
