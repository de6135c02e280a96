// Starts what the browser journeys need, once for the whole run: the storefront's production
// build, the local stack on free ports (the same one the integration suites use), a
// switchable pass-through to the API, and `next start`. Returns the teardown that stops them.
//
// Production build + `next start` rather than `next dev`: it is what shoppers get (minified
// bundles, the real CSP without eval, no dev overlay or on-demand compiling), and pages then
// answer in milliseconds, so the journeys run faster and their timing says something.
// SHOPWAVE_E2E_SKIP_BUILD=1 reuses the last build of web/ when iterating on tests.
import { existsSync } from "node:fs";
import path from "node:path";
import { findFreePort } from "@shopwave/local/process/free-port";
import { buildStorefront, startStorefront, webDir } from "@shopwave/local/stack/storefront-server";
import { startTestStack } from "../../support/test-stack";
import { buildCanaries, E2E_OPERATOR_EMAIL, publishE2eEnvironment } from "./e2e-env";
import { startPausableOrderWorker } from "./pausable-order-worker";
import { startSwitchableProxy } from "./switchable-proxy";

export default async function globalSetup() {
  const started = Date.now();
  const progress = (what: string) => console.log(`[e2e setup] ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  Object.assign(process.env, { SHOPWAVE_LOCAL_LOG: "silent", POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_DEV: "false", POWERTOOLS_METRICS_DISABLED: "true" });

  const reuseBuild = process.env.SHOPWAVE_E2E_SKIP_BUILD === "1" && existsSync(path.join(webDir, ".next", "BUILD_ID"));
  // The build sees the secrets a developer's or CI's environment holds, as a real build would.
  const building = reuseBuild
    ? Promise.resolve()
    : buildStorefront({ env: { ...process.env, ...buildCanaries, NEXT_TELEMETRY_DISABLED: "1" } }).then(({ ms }) => progress(`storefront built in ${(ms / 1000).toFixed(1)} s`));

  const webPort = await findFreePort();
  const storefrontUrl = `http://localhost:${webPort}`;
  const proxy = await startSwitchableProxy();
  const stoppers: (() => Promise<void>)[] = [() => proxy.stop()];
  const teardown = async () => {
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => console.error(`[e2e teardown] ${String(error)}`));
  };
  try {
    // The stack's own order-events poller is replaced by one a journey can pause (the consumers
    // of the order events pipeline run as usual).
    const testStack = await startTestStack({ storefrontUrl, operatorEmails: E2E_OPERATOR_EMAIL, startPoller: false });
    stoppers.push(() => testStack.stop());
    const orderWorker = await startPausableOrderWorker(testStack);
    stoppers.push(() => orderWorker.stop());
    await testStack.stack.orderEvents.startPollers({ concurrency: 2 });
    proxy.setTarget(testStack.stack.urls.api);
    progress(`local stack up, API at ${testStack.stack.urls.api}`);
    await building;
    const web = await startStorefront({ mode: "production", port: webPort, apiUrl: proxy.url, authUrl: testStack.stack.urls.auth });
    stoppers.push(() => web.stop());
    progress(`storefront (next start) at ${web.url}, API through ${proxy.url}`);
    publishE2eEnvironment({
      storefrontUrl,
      apiUrl: testStack.stack.urls.api,
      storefrontApiUrl: proxy.url,
      proxyControlUrl: proxy.controlUrl,
      inboxUrl: testStack.stack.urls.inbox,
      operatorEmail: E2E_OPERATOR_EMAIL,
      sqsUrl: testStack.stack.urls.sqs,
      orderEventsQueueUrl: testStack.stack.queueUrls.orderEvents,
      orderWorkerControlUrl: orderWorker.controlUrl,
    });
  } catch (error) {
    await building.catch(() => undefined);
    await teardown();
    throw error;
  }
  return teardown;
}
