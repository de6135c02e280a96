// The journeys' test object: `baseURL` is the storefront the global setup started, and every
// page is watched for Content-Security-Policy violations and uncaught errors, which fail the
// test (a page that "works" while the browser blocks its scripts or throws is not working).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { test as base, expect, type Page, type TestInfo } from "@playwright/test";
import { e2eEnvironment, type E2eEnvironment } from "./e2e-env";

const screenshotDir = path.resolve(import.meta.dirname, "../../../.artifacts/e2e");

export interface PageProblems {
  cspViolations: string[];
  pageErrors: string[];
}

export const test = base.extend<{ e2e: E2eEnvironment; problems: PageProblems; allowPageErrors: boolean }>({
  e2e: async ({}, use) => use(e2eEnvironment()),
  baseURL: async ({}, use) => use(e2eEnvironment().storefrontUrl),
  allowPageErrors: [false, { option: true }],
  problems: [
    async ({ context, allowPageErrors }, use) => {
      const problems: PageProblems = { cspViolations: [], pageErrors: [] };
      const watch = (page: Page) => {
        page.on("console", (message) => {
          if (message.type() === "error" && /Content Security Policy/i.test(message.text())) problems.cspViolations.push(message.text());
        });
        page.on("pageerror", (error) => problems.pageErrors.push(`${error.name}: ${error.message}`));
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      await use(problems);
      expect(problems.cspViolations, "Content-Security-Policy violations").toEqual([]);
      if (!allowPageErrors) expect(problems.pageErrors, "uncaught errors in the page").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Keeps the journey's last screen as an artifact (.artifacts/e2e/<name>.png) and in the report. */
export async function saveJourneyScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}
