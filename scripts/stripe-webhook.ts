// `npm run stripe:webhook -- --stage <name>`: points Stripe at a deployed stage. Creates (or
// updates) the stage's webhook endpoint for `<API URL>/webhooks/stripe`, subscribed to exactly the
// event types the app handles, and stores its signing secret with
// `sst secret set StripeWebhookSecret --stage <name>` (then `sst deploy` hands it to the function).
// The API URL and the Stripe key come from the stage itself: the script runs inside
// `sst shell --stage <name>`, re-executing itself there when started outside.
//
// Options: --recreate (replace an existing endpoint, e.g. when its secret was lost; a new secret is
// set), --dry-run (print what would be sent to Stripe and change nothing).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Resource } from "sst";
import type Stripe from "stripe";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { handledStripeEventTypes } from "@shopwave/core/payments/payment-event";
import { secrets } from "@shopwave/infra/topology";
import { assertShellStage, insideStageShell, rerunInsideStageShell, runAsScript, STAGE_NAME } from "./stage-shell";

export const WEBHOOK_PATH = "/webhooks/stripe";

export interface WebhookOptions {
  stage: string;
  recreate: boolean;
  dryRun: boolean;
}

export const usage = `Usage: npm run stripe:webhook -- --stage <name> [--recreate] [--dry-run]

Creates the Stripe webhook endpoint of a deployed stage (its API URL + ${WEBHOOK_PATH}),
subscribed to: ${handledStripeEventTypes.join(", ")},
and sets the stage's ${secrets.stripeWebhookSecret.resource} to its signing secret. Needs the stage deployed and
${secrets.stripeSecretKey.resource} set (npx sst secret set ${secrets.stripeSecretKey.resource} sk_test_… --stage <name>).`;

export function parseWebhookArgs(argv: readonly string[]): WebhookOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      stage: { type: "string" },
      recreate: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const stage = values.stage;
  if (!stage) throw new Error("--stage <name> is required: the stage whose API Stripe should call.");
  if (!STAGE_NAME.test(stage)) throw new Error(`--stage ${stage}: stage names contain only letters, digits and hyphens.`);
  return { stage, recreate: values.recreate === true, dryRun: values["dry-run"] === true };
}

/** The endpoint a stage needs: its URL and exactly the event types core handles. */
export function webhookEndpointParams(apiUrl: string, stage: string): Stripe.WebhookEndpointCreateParams {
  const url = new URL(WEBHOOK_PATH, apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`);
  if (url.protocol !== "https:") throw new Error(`Stripe only delivers webhooks over HTTPS; the API URL is ${apiUrl}.`);
  return {
    url: url.href,
    enabled_events: [...handledStripeEventTypes],
    description: `Shopwave stage ${stage}`,
    metadata: { app: "shopwave", stage },
  };
}

export type WebhookOutcome =
  | { action: "created"; endpointId: string; replaced: string[] }
  | { action: "updated"; endpointId: string }
  | { action: "unchanged"; endpointId: string }
  | { action: "dry-run"; params: Stripe.WebhookEndpointCreateParams; existing: string[] };

function sameEvents(endpoint: Stripe.WebhookEndpoint, wanted: readonly string[]): boolean {
  return endpoint.enabled_events.length === wanted.length && wanted.every((event) => endpoint.enabled_events.includes(event));
}

/**
 * Creates the stage's endpoint, or brings an existing one for the same URL to the wanted event
 * types. Stripe shows a signing secret only when an endpoint is created, so the secret is set only
 * then (an existing endpoint keeps the secret the stage already has; --recreate replaces both).
 */
export async function configureStageWebhook(options: {
  stripe: Stripe;
  apiUrl: string;
  stage: string;
  recreate: boolean;
  dryRun: boolean;
  setWebhookSecret: (secret: string) => Promise<void>;
}): Promise<WebhookOutcome> {
  const params = webhookEndpointParams(options.apiUrl, options.stage);
  const existing: Stripe.WebhookEndpoint[] = [];
  for await (const endpoint of options.stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url === params.url) existing.push(endpoint);
  }
  if (options.dryRun) return { action: "dry-run", params, existing: existing.map((endpoint) => endpoint.id) };

  const [current, ...duplicates] = existing;
  if (current && !options.recreate) {
    if (duplicates.length > 0) {
      throw new Error(`${existing.length} Stripe endpoints call ${params.url} (${existing.map((e) => e.id).join(", ")}): run again with --recreate.`);
    }
    if (sameEvents(current, params.enabled_events)) return { action: "unchanged", endpointId: current.id };
    await options.stripe.webhookEndpoints.update(current.id, { enabled_events: params.enabled_events as Stripe.WebhookEndpointUpdateParams.EnabledEvent[] });
    return { action: "updated", endpointId: current.id };
  }

  const created = await options.stripe.webhookEndpoints.create(params);
  if (!created.secret) throw new Error(`Stripe returned no signing secret for ${created.id}.`);
  await options.setWebhookSecret(created.secret);
  // Only once the new secret is stored: until then the old endpoint keeps delivering.
  for (const endpoint of existing) await options.stripe.webhookEndpoints.del(endpoint.id);
  return { action: "created", endpointId: created.id, replaced: existing.map((endpoint) => endpoint.id) };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `sst secret set <Name> --stage <stage>`, the value on stdin (never on a command line). */
function sstSecretSet(stage: string, name: string, value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["sst", "secret", "set", name, "--stage", stage], { cwd: repoRoot, stdio: ["pipe", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`sst secret set ${name} exited with ${code}`))));
    child.stdin.end(value);
  });
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    return 0;
  }
  let options: WebhookOptions;
  try {
    options = parseWebhookArgs(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }

  if (!insideStageShell()) return rerunInsideStageShell(options.stage, fileURLToPath(import.meta.url), argv);
  assertShellStage(options.stage);
  const apiUrl = Resource.Api.url;
  const secretKey = Resource.StripeSecretKey.value;
  if (secretKey.startsWith("sk_live_") && options.stage !== "production") {
    console.warn(`Warning: stage ${options.stage} uses a live-mode Stripe key.`);
  }

  const outcome = await configureStageWebhook({
    stripe: createStripeClient(secretKey),
    apiUrl,
    stage: options.stage,
    recreate: options.recreate,
    dryRun: options.dryRun,
    setWebhookSecret: (secret) => sstSecretSet(options.stage, secrets.stripeWebhookSecret.resource, secret),
  });
  switch (outcome.action) {
    case "dry-run":
      console.log(`Would send to Stripe (existing endpoints for this URL: ${outcome.existing.join(", ") || "none"}):`);
      console.log(JSON.stringify(outcome.params, null, 2));
      break;
    case "unchanged":
      console.log(`Stripe endpoint ${outcome.endpointId} already calls ${apiUrl}${WEBHOOK_PATH} with the handled events. Nothing to do.`);
      break;
    case "updated":
      console.log(`Stripe endpoint ${outcome.endpointId} now sends: ${handledStripeEventTypes.join(", ")}. Its signing secret is unchanged.`);
      break;
    case "created":
      console.log(
        `Created Stripe endpoint ${outcome.endpointId}${outcome.replaced.length ? ` (replacing ${outcome.replaced.join(", ")})` : ""} and set ` +
          `${secrets.stripeWebhookSecret.resource} for stage ${options.stage}.\nNow run: npx sst deploy --stage ${options.stage}`,
      );
      break;
  }
  return 0;
}

runAsScript(import.meta.url, main);
