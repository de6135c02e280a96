// `npm run bench:web`: builds the production storefront, serves it (`next start`) against the
// local stack, and measures in headless Chromium, for the home page and a product page:
// TTFB, LCP, CLS (median of several cold loads, each in a fresh browser context) and the
// first-load JS: the gzip size of the build's JavaScript files the route loads on a first
// visit (Next 16 no longer prints per-route sizes in `next build`, so they are computed
// from the build's own files, gzip level 9 as Next used to). Then Lighthouse (lighthouse-audit.ts)
// on home, a product page and the cart, as a mobile and a desktop visitor: the four category
// scores and back/forward-cache eligibility. Prints Markdown tables for BENCHMARKS.md.
// BENCH_RUNS=0 skips the vitals; LIGHTHOUSE=0 skips Lighthouse. A benchmark, not a test: nothing
// here passes or fails on a number.
import { cpus, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { chromium, type Browser } from "@playwright/test";
import { findFreePort } from "@shopwave/local/process/free-port";
import { buildStorefront, startStorefront, webDir } from "@shopwave/local/stack/storefront-server";
import { startTestStack } from "../support/test-stack";
import { auditPage, type FormFactor, type LighthouseResult } from "./lighthouse-audit";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const LIGHTHOUSE = process.env.LIGHTHOUSE !== "0";
const routes = [
  { name: "home", path: "/" },
  { name: "product", path: "/products/enamel-camp-mug" },
];
const lighthouseRoutes = [...routes, { name: "cart", path: "/cart" }];
const formFactors: FormFactor[] = ["mobile", "desktop"];

interface Sample {
  ttfbMs: number;
  lcpMs: number;
  cls: number;
  lcpElement: string;
  scripts: string[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function measure(browser: Browser, url: string): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // Observers registered before any page script runs; init scripts are not subject to the CSP.
  await page.addInitScript(() => {
    const state = { lcp: 0, lcpElement: "", cls: 0 };
    (window as unknown as { __vitals: typeof state }).__vitals = state;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { element?: Element | null; url?: string })[]) {
        state.lcp = entry.startTime;
        state.lcpElement = entry.element ? `${entry.element.tagName.toLowerCase()}${entry.url ? ` ${new URL(entry.url).pathname}` : ""}` : "";
      }
    }).observe({ type: "largest-contentful-paint", buffered: true });
    // CLS as web-vitals defines it: the largest session window of shifts without recent input.
    let session = 0;
    let first = 0;
    let last = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (entry.hadRecentInput) continue;
        if (session && entry.startTime - last < 1000 && entry.startTime - first < 5000) session += entry.value;
        else {
          session = entry.value;
          first = entry.startTime;
        }
        last = entry.startTime;
        state.cls = Math.max(state.cls, session);
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  const scripts: string[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") scripts.push(new URL(response.url()).pathname);
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForTimeout(300);
  const result = await page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const vitals = (window as unknown as { __vitals: { lcp: number; lcpElement: string; cls: number } }).__vitals;
    return { ttfbMs: navigation.responseStart, lcpMs: vitals.lcp, cls: vitals.cls, lcpElement: vitals.lcpElement };
  });
  await context.close();
  return { ...result, scripts };
}

/** gzip -9 size of the build's file behind a /_next/static/… URL. */
function gzipKb(urlPath: string): number {
  const relative = decodeURIComponent(urlPath).replace(/^\/_next\//, "");
  const file = path.join(webDir, ".next", relative);
  return gzipSync(readFileSync(file), { level: 9 }).length / 1024;
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  let chromiumVersion = "unknown";
  try {
    chromiumVersion = execFileSync(CHROMIUM, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    // reported as unknown
  }
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${chromiumVersion}`;
}

async function main() {
  Object.assign(process.env, { SHOPWAVE_LOCAL_LOG: "silent", POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_DEV: "false", POWERTOOLS_METRICS_DISABLED: "true" });
  console.log(`Building the storefront (next build)…`);
  const build = await buildStorefront();
  console.log(`  built in ${(build.ms / 1000).toFixed(1)} s`);
  const webPort = await findFreePort();
  const testStack = await startTestStack({ storefrontUrl: `http://localhost:${webPort}` });
  const web = await startStorefront({ mode: "production", port: webPort, apiUrl: testStack.stack.urls.api }).catch(async (error: unknown) => {
    await testStack.stop();
    throw error;
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // The runtime every App Router page loads whatever it contains (Next's rootMainFiles).
  const manifest = JSON.parse(readFileSync(path.join(webDir, ".next", "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const shared = new Set(manifest.rootMainFiles.map((file) => `/_next/${file}`));
  const rows: string[] = [];
  const audits: string[] = [];
  try {
    for (const route of RUNS > 0 ? routes : []) {
      const url = `${web.url}${route.path}`;
      await measure(browser, url); // warm the server (first render compiles nothing, but JITs)
      const samples: Sample[] = [];
      for (let run = 0; run < RUNS; run++) samples.push(await measure(browser, url));
      const scripts = [...new Set(samples[0]!.scripts.filter((script) => script.startsWith("/_next/static/")))];
      const jsKb = scripts.reduce((sum, script) => sum + gzipKb(script), 0);
      const sharedKb = scripts.filter((script) => shared.has(script)).reduce((sum, script) => sum + gzipKb(script), 0);
      const lcpElements = [...new Set(samples.map((sample) => sample.lcpElement))].join(", ");
      rows.push(
        `| ${route.name} (\`${route.path}\`) | ${median(samples.map((s) => s.ttfbMs)).toFixed(0)} | ${median(samples.map((s) => s.lcpMs)).toFixed(0)} | ` +
          `${median(samples.map((s) => s.cls)).toFixed(3)} | **${jsKb.toFixed(1)}** | ${sharedKb.toFixed(1)} | ${(jsKb - sharedKb).toFixed(1)} | ${lcpElements} |`,
      );
      console.log(`  ${route.name}: ${RUNS} runs done`);
    }
    for (const route of LIGHTHOUSE ? lighthouseRoutes : []) {
      const url = `${web.url}${route.path}`;
      await fetch(url).then((response) => response.text()); // warm the server, as above
      for (const formFactor of formFactors) {
        const result = await auditPage(url, formFactor, CHROMIUM);
        audits.push(lighthouseRow(`${route.name} (\`${route.path}\`)`, formFactor, result));
        console.log(`  Lighthouse ${route.name} ${formFactor}: performance ${result.performance}`);
      }
    }
  } finally {
    await browser.close();
    await web.stop();
    await testStack.stop();
  }
  console.log(
    [
      "",
      `Machine: ${machine()}`,
      ...(rows.length
        ? [
            `Median of ${RUNS} cold loads per page (fresh browser context each, server warm), 1280×800, no throttling.`,
            "",
            "| page | TTFB (ms) | LCP (ms) | CLS | first-load JS (KB gzip) | of which Next.js + React runtime | of which the route's own | LCP element |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
            ...rows,
            "",
            "Targets: first-load JS ≤ 100 KB gzip on home; LCP ≤ 1000 ms locally.",
          ]
        : []),
      ...(audits.length
        ? [
            "",
            "Lighthouse (production build, default throttling: mobile = simulated slow 4G and 4× CPU slowdown, desktop = Lighthouse's desktop preset):",
            "",
            "| page | form factor | performance | accessibility | best practices | SEO | bfcache | LCP (ms) | TBT (ms) | CLS |",
            "|---|---|---:|---:|---:|---:|---|---:|---:|---:|",
            ...audits,
          ]
        : []),
    ].join("\n"),
  );
}

function lighthouseRow(page: string, formFactor: FormFactor, r: LighthouseResult): string {
  const bfcache = r.bfcache.eligible === null ? "not tested" : r.bfcache.eligible ? "eligible" : `blocked: ${r.bfcache.failures.join("; ")}`;
  return `| ${page} | ${formFactor} | ${r.performance} | ${r.accessibility} | ${r.bestPractices} | ${r.seo} | ${bfcache} | ${r.metrics.lcpMs.toFixed(0)} | ${r.metrics.tbtMs.toFixed(0)} | ${r.metrics.cls.toFixed(3)} |`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
