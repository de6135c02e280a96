// The stage webhook script: its arguments, and the requests the real `stripe` SDK sends for it,
// recorded by a stand-in for Stripe's webhook_endpoints API on a loopback port.
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import qs from "qs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStripeClient } from "@shopwave/core/payments/stripe-client";
import { handledStripeEventTypes } from "@shopwave/core/payments/payment-event";
import { configureStageWebhook, parseWebhookArgs, webhookEndpointParams } from "./stripe-webhook";

const API_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com";
const WEBHOOK_URL = `${API_URL}/webhooks/stripe`;

interface Endpoint {
  id: string;
  object: "webhook_endpoint";
  url: string;
  enabled_events: string[];
  status: "enabled";
  secret?: string;
}

interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** Stripe's webhook_endpoints API, as far as the script uses it, with every request recorded. */
function fakeStripe() {
  const endpoints: Endpoint[] = [];
  const requests: RecordedRequest[] = [];
  let next = 1;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stripe.test");
      const body = qs.parse(raw) as Record<string, unknown>;
      requests.push({ method: req.method ?? "", path: url.pathname, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json", "request-id": `req_${requests.length}` });
        res.end(JSON.stringify(json));
      };
      const id = url.pathname.split("/")[3];
      const found = endpoints.find((endpoint) => endpoint.id === id);
      if (req.method === "GET" && url.pathname === "/v1/webhook_endpoints") {
        return send(200, { object: "list", url: "/v1/webhook_endpoints", has_more: false, data: endpoints.map(({ secret: _secret, ...rest }) => rest) });
      }
      if (req.method === "POST" && url.pathname === "/v1/webhook_endpoints") {
        const endpoint: Endpoint = {
          id: `we_test_${next}`,
          object: "webhook_endpoint",
          url: String(body.url),
          enabled_events: body.enabled_events as string[],
          status: "enabled",
          secret: `whsec_created_${next}`,
        };
        next += 1;
        endpoints.push(endpoint);
        return send(200, endpoint);
      }
      if (found && req.method === "POST") {
        found.enabled_events = body.enabled_events as string[];
        const { secret: _secret, ...rest } = found;
        return send(200, rest);
      }
      if (found && req.method === "DELETE") {
        endpoints.splice(endpoints.indexOf(found), 1);
        return send(200, { id: found.id, object: "webhook_endpoint", deleted: true });
      }
      send(404, { error: { type: "invalid_request_error", message: `No such route ${req.method} ${url.pathname}` } });
    });
  });
  return {
    endpoints,
    requests,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    reset() {
      endpoints.length = 0;
      requests.length = 0;
      next = 1;
    },
    seed(endpoint: Omit<Endpoint, "object" | "status">) {
      endpoints.push({ object: "webhook_endpoint", status: "enabled", ...endpoint });
    },
  };
}

const stripeApi = fakeStripe();
let stripe: ReturnType<typeof createStripeClient>;
let secretsSet: string[];
const setWebhookSecret = async (secret: string) => {
  secretsSet.push(secret);
};
const writes = () => stripeApi.requests.filter((request) => request.method !== "GET");

beforeAll(async () => {
  stripe = createStripeClient("sk_test_webhook_script", await stripeApi.start());
});
afterAll(() => stripeApi.stop());
beforeEach(() => {
  stripeApi.reset();
  secretsSet = [];
});

describe("arguments", () => {
  it("needs a valid --stage and accepts --recreate and --dry-run", () => {
    expect(parseWebhookArgs(["--stage", "alice"])).toEqual({ stage: "alice", recreate: false, dryRun: false });
    expect(parseWebhookArgs(["--stage=pr-42", "--recreate", "--dry-run"])).toEqual({ stage: "pr-42", recreate: true, dryRun: true });
    expect(() => parseWebhookArgs([])).toThrow(/--stage/);
    expect(() => parseWebhookArgs(["--stage", "al ice"])).toThrow(/letters, digits and hyphens/);
    expect(() => parseWebhookArgs(["--stage", "alice", "--force"])).toThrow();
    expect(() => parseWebhookArgs(["alice"])).toThrow();
  });

  it("the command exits 2 with its usage when --stage is missing, before touching SST or Stripe", async () => {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "stripe-webhook.ts");
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", script], { env: { PATH: process.env.PATH ?? "" } });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: npm run stripe:webhook -- --stage <name>") });
  });

  it("builds the endpoint from the stage's API URL and exactly the handled event types", () => {
    for (const apiUrl of [API_URL, `${API_URL}/`]) {
      expect(webhookEndpointParams(apiUrl, "alice")).toEqual({
        url: WEBHOOK_URL,
        enabled_events: [...handledStripeEventTypes],
        description: "Shopwave stage alice",
        metadata: { app: "shopwave", stage: "alice" },
      });
    }
    expect(() => webhookEndpointParams("http://127.0.0.1:3001", "alice")).toThrow(/HTTPS/);
  });
});

describe("against Stripe's API", () => {
  it("creates the endpoint and stores its signing secret", async () => {
    const outcome = await configureStageWebhook({ stripe, apiUrl: API_URL, stage: "alice", recreate: false, dryRun: false, setWebhookSecret });
    expect(outcome).toEqual({ action: "created", endpointId: "we_test_1", replaced: [] });
    expect(writes()).toEqual([
      {
        method: "POST",
        path: "/v1/webhook_endpoints",
        body: {
          url: WEBHOOK_URL,
          enabled_events: [...handledStripeEventTypes],
          description: "Shopwave stage alice",
          metadata: { app: "shopwave", stage: "alice" },
        },
      },
    ]);
    expect(secretsSet).toEqual(["whsec_created_1"]);
  });

  it("leaves an endpoint that already has the handled events alone (its secret stays set)", async () => {
    stripeApi.seed({ id: "we_existing", url: WEBHOOK_URL, enabled_events: [...handledStripeEventTypes].reverse() });
    const outcome = await configureStageWebhook({ stripe, apiUrl: API_URL, stage: "alice", recreate: false, dryRun: false, setWebhookSecret });
    expect(outcome).toEqual({ action: "unchanged", endpointId: "we_existing" });
    expect(writes()).toEqual([]);
    expect(secretsSet).toEqual([]);
  });

  it("brings an existing endpoint's events to exactly the handled ones", async () => {
    stripeApi.seed({ id: "we_existing", url: WEBHOOK_URL, enabled_events: ["checkout.session.completed", "charge.refunded"] });
    stripeApi.seed({ id: "we_other_stage", url: "https://other.example.com/webhooks/stripe", enabled_events: ["*"] });
    const outcome = await configureStageWebhook({ stripe, apiUrl: API_URL, stage: "alice", recreate: false, dryRun: false, setWebhookSecret });
    expect(outcome).toEqual({ action: "updated", endpointId: "we_existing" });
    expect(writes()).toEqual([{ method: "POST", path: "/v1/webhook_endpoints/we_existing", body: { enabled_events: [...handledStripeEventTypes] } }]);
    expect(secretsSet).toEqual([]);
  });

  it("--recreate replaces the stage's endpoint: the new secret is stored before the old endpoint goes", async () => {
    stripeApi.seed({ id: "we_old", url: WEBHOOK_URL, enabled_events: [...handledStripeEventTypes] });
    stripeApi.seed({ id: "we_other_stage", url: "https://other.example.com/webhooks/stripe", enabled_events: ["*"] });
    const order: string[] = [];
    const outcome = await configureStageWebhook({
      stripe,
      apiUrl: API_URL,
      stage: "alice",
      recreate: true,
      dryRun: false,
      setWebhookSecret: async (secret) => {
        order.push(`secret ${secret} (endpoints: ${stripeApi.endpoints.map((e) => e.id).join(",")})`);
      },
    });
    expect(outcome).toEqual({ action: "created", endpointId: "we_test_1", replaced: ["we_old"] });
    expect(order).toEqual(["secret whsec_created_1 (endpoints: we_old,we_other_stage,we_test_1)"]);
    expect(writes().map((request) => `${request.method} ${request.path}`)).toEqual(["POST /v1/webhook_endpoints", "DELETE /v1/webhook_endpoints/we_old"]);
    expect(stripeApi.endpoints.map((endpoint) => endpoint.id)).toEqual(["we_other_stage", "we_test_1"]);
  });

  it("refuses to guess between two endpoints for the same URL", async () => {
    stripeApi.seed({ id: "we_a", url: WEBHOOK_URL, enabled_events: [...handledStripeEventTypes] });
    stripeApi.seed({ id: "we_b", url: WEBHOOK_URL, enabled_events: [...handledStripeEventTypes] });
    await expect(configureStageWebhook({ stripe, apiUrl: API_URL, stage: "alice", recreate: false, dryRun: false, setWebhookSecret })).rejects.toThrow(
      /--recreate/,
    );
    expect(writes()).toEqual([]);
  });

  it("--dry-run only reads", async () => {
    stripeApi.seed({ id: "we_old", url: WEBHOOK_URL, enabled_events: ["checkout.session.completed"] });
    const outcome = await configureStageWebhook({ stripe, apiUrl: API_URL, stage: "alice", recreate: true, dryRun: true, setWebhookSecret });
    expect(outcome).toEqual({ action: "dry-run", params: webhookEndpointParams(API_URL, "alice"), existing: ["we_old"] });
    expect(writes()).toEqual([]);
    expect(secretsSet).toEqual([]);
  });
});
