// Shopwave's SST program (sst.config.ts → infra/aws) run with SST's real components under Pulumi's
// unit-test mocks, for a developer stage, for production and under `sst dev`; the assertions read
// the AWS resources it registers and compare them with infra/topology.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/sst-platform";
import { alarms } from "../alarms";
import { busPublishActions, emailSendActions, queueSendActions, tableDataActions } from "../link-actions";
import { stageRules } from "../stage";
import {
  auth,
  catalogCaching,
  crons,
  email,
  eventBus,
  eventConsumers,
  httpApi,
  lambdaRuntime,
  observability,
  orderHoldDefaults,
  queues,
  routes,
  secrets,
  storefront,
  streams,
  tables,
  type QueuePermission,
  type TableDeclaration,
} from "../topology";
import { holdLimitsFrom } from "@shopwave/core/orders/reservation-holds";
import { linksOf, renderSstEnv } from "./sst-env-file";
import { runShopwaveProgram, TEST_EMAIL_SENDER, type ProgramRun, type RecordedResource } from "./sst-program";

const secretValues = { StripeSecretKey: "sk_test_sentinel_4a1f9c", StripeWebhookSecret: "whsec_sentinel_77d2e0" };

let developer: ProgramRun;
let production: ProgramRun;
let live: ProgramRun;

beforeAll(async () => {
  // One at a time: each run is a child process loading @pulumi/aws (~0.5 GB).
  // alice opts in to alarms (as a staging stage would); bob's stage has none, as developer stages by default.
  developer = await runShopwaveProgram({
    stage: "alice",
    secrets: secretValues,
    env: { ORDER_RESERVATION_MINUTES: "45", ORDER_RATE_LIMIT: "off", ORDER_HOLDS_PER_CLIENT: "off", SHOPWAVE_ALARMS: "on", OPERATOR_EMAILS: "ops@example.com" },
  });
  production = await runShopwaveProgram({ stage: "production", secrets: secretValues });
  live = await runShopwaveProgram({ stage: "bob", dev: true, secrets: secretValues });
}, 240_000);

// ---------------------------------------------------------------------------------------------
// Reading the recorded resources

function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

function one(run: ProgramRun, type: string, predicate: (resource: RecordedResource) => boolean): RecordedResource {
  const found = ofType(run, type).filter(predicate);
  expect(found, `exactly one ${type} matching`).toHaveLength(1);
  return found[0]!;
}

/** The resources a component created (directly or through its children). */
function within(run: ProgramRun, component: RecordedResource): RecordedResource[] {
  const inside = new Set([component.urn]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const resource of run.resources) {
      if (!inside.has(resource.urn) && inside.has(resource.parent)) {
        inside.add(resource.urn);
        grew = true;
      }
    }
  }
  return run.resources.filter((resource) => resource.urn !== component.urn && inside.has(resource.urn));
}

function component(run: ProgramRun, type: string, name: string): RecordedResource {
  return one(run, type, (resource) => resource.name === name);
}

function tableOf(run: ProgramRun, declaration: TableDeclaration): RecordedResource {
  const [table, ...others] = within(run, component(run, "sst:aws:Dynamo", declaration.resource)).filter((r) => r.type === "aws:dynamodb/table:Table");
  expect(others).toEqual([]);
  return table!;
}

function queueOf(run: ProgramRun, name: string): RecordedResource {
  const [queue, ...others] = within(run, component(run, "sst:aws:Queue", name)).filter((r) => r.type === "aws:sqs/queue:Queue");
  expect(others).toEqual([]);
  return queue!;
}

const shopwaveFunctions = (run: ProgramRun) =>
  ofType(run, "aws:lambda/function:Function").filter((fn) => String(fn.inputs.handler).startsWith("packages/functions/"));

function functionFor(run: ProgramRun, handler: string): RecordedResource {
  return one(run, "aws:lambda/function:Function", (fn) => fn.inputs.handler === handler);
}

function env(fn: RecordedResource): Record<string, string> {
  return ((fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}) as Record<string, string>;
}

function roleOf(run: ProgramRun, fn: RecordedResource): RecordedResource {
  return one(run, "aws:iam/role:Role", (role) => role.state.arn === fn.inputs.role);
}

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

function inlineStatements(role: RecordedResource): Statement[] {
  const policies = (role.inputs.inlinePolicies ?? []) as { policy: string }[];
  return policies.flatMap((policy) => (JSON.parse(policy.policy) as { Statement: Statement[] }).Statement);
}

/** Every declared function: the routes, the queue consumer, the crons, the stream publisher and the event consumers. */
const declaredFunctions = [
  ...routes.map((route) => ({ what: `${route.method} ${route.path}`, ...route })),
  { what: "order-events worker", ...queues.orderEvents.consumer },
  ...Object.values(crons).map((cron) => ({ what: cron.resource, ...cron })),
  ...Object.values(streams).map((stream) => ({ what: `${stream.table} stream publisher`, ...stream })),
  ...Object.values(eventConsumers).map((consumer) => ({ what: `${consumer.resource} consumer`, ...consumer.consumer })),
  // sst.aws.Auth also links OpenAuth's storage table to the issuer (infra/aws/auth.ts).
  { what: "sign-in issuer", ...auth.issuer, link: [...auth.issuer.link, auth.storage.resource] },
];

const tableDeclarations: readonly TableDeclaration[] = [...Object.values(tables), auth.storage];
const tableResourceNames = new Set<string>(tableDeclarations.map((table) => table.resource));
const secretNames = new Set<string>(Object.values(secrets).map((secret) => secret.resource));
const queueResourceNames = new Set<string>([...Object.values(queues), ...Object.values(eventConsumers)].flatMap((queue) => [queue.resource, queue.deadLetter.resource]));

function containsText(value: unknown, text: string): boolean {
  return JSON.stringify(value).includes(text);
}

// ---------------------------------------------------------------------------------------------

describe("the mocked run", () => {
  it("completes with every data source, RPC and handler known", () => {
    for (const run of [developer, production, live]) {
      expect(run.error).toBeUndefined();
      expect(run.unknownCalls).toEqual([]);
      expect(run.rpc.unexpected).toEqual([]);
      expect(run.rpc.buildErrors).toEqual([]);
    }
  });
});

describe("stage rules", () => {
  it("a developer stage is removed whole: nothing retained, nothing protected", () => {
    expect(developer.app).toMatchObject({ name: "shopwave", home: "aws", removal: "remove", protect: false });
    expect(developer.outputs._protect).toBe(false);
    expect(developer.resources.filter((resource) => resource.retainOnDelete)).toEqual([]);
    for (const declaration of tableDeclarations) {
      const table = tableOf(developer, declaration);
      expect(table.inputs.deletionProtectionEnabled).toBe(false);
      expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: false });
    }
  });

  it("production is protected from `sst remove` and keeps its tables, with deletion protection and PITR", () => {
    expect(production.app).toMatchObject({ removal: "retain", protect: true });
    // SST's CLI refuses `sst remove` when the program's _protect output is true.
    expect(production.outputs._protect).toBe(true);
    for (const declaration of tableDeclarations) {
      const table = tableOf(production, declaration);
      expect(table.retainOnDelete, declaration.resource).toBe(true);
      expect(table.inputs.deletionProtectionEnabled).toBe(true);
      expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    }
  });

  it("only the stage named production gets the production rules", () => {
    expect(stageRules("production")).toEqual({ production: true, removal: "retain", protect: true, alarms: true });
    for (const stage of ["alice", "prod", "Production", "production-2", ""]) {
      expect(stageRules(stage)).toEqual({ production: false, removal: "remove", protect: false, alarms: false });
    }
    // Opting in to alarms changes nothing else.
    expect(stageRules("staging", { SHOPWAVE_ALARMS: "on" })).toEqual({ production: false, removal: "remove", protect: false, alarms: true });
  });
});

describe("DynamoDB tables", () => {
  it("each declared table exists with its keys, attributes, GSIs and TTL, on demand", () => {
    expect(ofType(developer, "sst:aws:Dynamo").map((table) => table.name).sort()).toEqual([...tableResourceNames].sort());
    for (const declaration of tableDeclarations) {
      const table = tableOf(developer, declaration);
      expect(table.inputs.hashKey).toBe(declaration.hashKey);
      expect(table.inputs.rangeKey).toBe(declaration.rangeKey);
      expect(table.inputs.billingMode).toBe("PAY_PER_REQUEST");
      expect(table.inputs.attributes).toEqual(
        expect.arrayContaining(Object.entries(declaration.attributes).map(([name, type]) => ({ name, type }))),
      );
      expect((table.inputs.attributes as unknown[]).length).toBe(Object.keys(declaration.attributes).length);
      expect(table.inputs.globalSecondaryIndexes).toEqual(
        declaration.globalIndexes.map((index) => ({
          name: index.name,
          hashKey: index.hashKey,
          ...(index.rangeKey ? { rangeKey: index.rangeKey } : {}),
          projectionType: "ALL",
        })),
      );
      expect(table.inputs.ttl).toEqual(declaration.ttlAttribute ? { attributeName: declaration.ttlAttribute, enabled: true } : undefined);
      expect(table.inputs.streamEnabled ?? false, declaration.resource).toBe(declaration.stream !== undefined);
      expect(table.inputs.streamViewType, declaration.resource).toBe(declaration.stream);
    }
  });
});

describe("the order-events queue", () => {
  const declaration = queues.orderEvents;

  it("redrives to its dead-letter queue after maxReceiveCount receives", () => {
    const queue = queueOf(developer, declaration.resource);
    const deadLetter = queueOf(developer, declaration.deadLetter.resource);
    expect(queue.inputs.visibilityTimeoutSeconds).toBe(declaration.visibilityTimeoutSeconds);
    expect(JSON.parse(String(queue.inputs.redrivePolicy))).toEqual({
      deadLetterTargetArn: deadLetter.state.arn,
      maxReceiveCount: declaration.deadLetter.maxReceiveCount,
    });
    expect(deadLetter.inputs.redrivePolicy).toBeUndefined();
    expect(deadLetter.inputs.messageRetentionSeconds).toBe(14 * 24 * 60 * 60);
  });

  it("is consumed by the worker with partial batch responses, the declared batch size and window", () => {
    const queue = queueOf(developer, declaration.resource);
    const worker = functionFor(developer, declaration.consumer.handler);
    const mapping = one(developer, "aws:lambda/eventSourceMapping:EventSourceMapping", (m) => m.inputs.eventSourceArn === queue.state.arn);
    expect(mapping.inputs.functionName).toBe(worker.state.arn);
    // Without this Lambda ignores `batchItemFailures` and retries the whole batch.
    expect(mapping.inputs.functionResponseTypes).toEqual(["ReportBatchItemFailures"]);
    expect(mapping.inputs.batchSize).toBe(declaration.consumer.batchSize);
    expect(mapping.inputs.maximumBatchingWindowInSeconds).toBe(declaration.consumer.batchWindowSeconds);
    expect(worker.inputs.timeout).toBe(declaration.consumer.timeoutSeconds);
    // AWS's guidance for SQS event sources: visibility timeout at least 6× the function timeout.
    expect(declaration.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * declaration.consumer.timeoutSeconds);
  });
});

describe("the order events pipeline", () => {
  const publisher = streams.orderEvents;
  const busOf = (run: ProgramRun) => within(run, component(run, "sst:aws:Bus", eventBus.resource)).find((r) => r.type === "aws:cloudwatch/eventBus:EventBus")!;

  it("publishes from the orders table's stream with partial batch responses, bisect, bounded retries and an on-failure destination", () => {
    const table = tableOf(developer, tables.orders);
    expect(table.inputs).toMatchObject({ streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
    const fn = functionFor(developer, publisher.handler);
    const failures = queueOf(developer, publisher.onFailure.resource);
    const mapping = one(developer, "aws:lambda/eventSourceMapping:EventSourceMapping", (m) => m.inputs.eventSourceArn === table.state.streamArn);
    expect(mapping.inputs).toMatchObject({
      functionName: fn.state.arn,
      startingPosition: "TRIM_HORIZON",
      batchSize: publisher.batchSize,
      maximumBatchingWindowInSeconds: publisher.batchWindowSeconds,
      maximumRetryAttempts: publisher.maximumRetryAttempts,
      bisectBatchOnFunctionError: true,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: failures.state.arn } },
    });
    expect(failures.inputs.messageRetentionSeconds).toBe(14 * 24 * 60 * 60);
    // The publisher is the only stream reader.
    expect(ofType(developer, "aws:lambda/eventSourceMapping:EventSourceMapping").filter((m) => String(m.inputs.eventSourceArn).includes("/stream/"))).toHaveLength(1);
  });

  it("routes each consumer's events from the stage's bus to its queue by the declared pattern, and lets only that rule send there", () => {
    const bus = busOf(developer);
    expect(developer.outputs.orderEventsBus).toBe(bus.state.name);
    const rules = ofType(developer, "aws:cloudwatch/eventRule:EventRule");
    expect(rules.map((rule) => rule.name).sort()).toEqual(Object.values(eventConsumers).map((c) => c.rule.resource).sort());
    for (const consumer of Object.values(eventConsumers)) {
      const rule = one(developer, "aws:cloudwatch/eventRule:EventRule", (r) => r.name === consumer.rule.resource);
      expect(rule.inputs.eventBusName).toBe(bus.state.name);
      expect(JSON.parse(String(rule.inputs.eventPattern))).toEqual(consumer.rule.pattern);
      const queue = queueOf(developer, consumer.resource);
      const deadLetter = queueOf(developer, consumer.deadLetter.resource);
      const target = one(developer, "aws:cloudwatch/eventTarget:EventTarget", (t) => t.inputs.rule === rule.state.name);
      expect(target.inputs).toMatchObject({ arn: queue.state.arn, eventBusName: bus.state.name, deadLetterConfig: { arn: deadLetter.state.arn } });
      for (const [what, target] of [["queue", queue], ["DLQ", deadLetter]] as const) {
        const policy = one(developer, "aws:sqs/queuePolicy:QueuePolicy", (p) => p.inputs.queueUrl === target.state.url);
        expect(JSON.parse(String(policy.inputs.policy)).Statement, `${consumer.resource} ${what}`).toEqual([
          {
            Effect: "Allow",
            Action: ["sqs:SendMessage"],
            Resource: [target.state.arn],
            Principal: { Service: ["events.amazonaws.com"] },
            Condition: { ArnEquals: { "aws:SourceArn": [rule.state.arn] } },
          },
        ]);
      }
    }
  });

  it("gives each consumer a queue that redrives to its DLQ, consumed with partial batch responses", () => {
    for (const consumer of Object.values(eventConsumers)) {
      const queue = queueOf(developer, consumer.resource);
      const deadLetter = queueOf(developer, consumer.deadLetter.resource);
      expect(queue.inputs.visibilityTimeoutSeconds).toBe(consumer.visibilityTimeoutSeconds);
      expect(JSON.parse(String(queue.inputs.redrivePolicy))).toEqual({ deadLetterTargetArn: deadLetter.state.arn, maxReceiveCount: consumer.deadLetter.maxReceiveCount });
      expect(deadLetter.inputs.messageRetentionSeconds).toBe(14 * 24 * 60 * 60);
      const fn = functionFor(developer, consumer.consumer.handler);
      const mapping = one(developer, "aws:lambda/eventSourceMapping:EventSourceMapping", (m) => m.inputs.eventSourceArn === queue.state.arn);
      expect(mapping.inputs).toMatchObject({
        functionName: fn.state.arn,
        functionResponseTypes: ["ReportBatchItemFailures"],
        batchSize: consumer.consumer.batchSize,
        maximumBatchingWindowInSeconds: consumer.consumer.batchWindowSeconds,
      });
      expect(consumer.visibilityTimeoutSeconds, consumer.resource).toBeGreaterThanOrEqual(6 * consumer.consumer.timeoutSeconds);
    }
  });
});

describe("the HTTP API", () => {
  it("binds every declared route, and only those, to a function running its handler", () => {
    const api = one(developer, "aws:apigatewayv2/api:Api", () => true);
    const bound = ofType(developer, "aws:apigatewayv2/route:Route");
    expect(bound.map((route) => route.inputs.routeKey).sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    expect(bound.every((route) => route.inputs.apiId === api.id)).toBe(true);
    for (const route of routes) {
      const routeKey = `${route.method} ${route.path}`;
      const apiRoute = one(developer, "aws:apigatewayv2/route:Route", (r) => r.inputs.routeKey === routeKey);
      const integration = one(developer, "aws:apigatewayv2/integration:Integration", (i) => `integrations/${i.id}` === apiRoute.inputs.target);
      expect(integration.inputs).toMatchObject({ integrationType: "AWS_PROXY", payloadFormatVersion: "2.0" });
      const fn = one(developer, "aws:lambda/function:Function", (f) => f.state.arn === integration.inputs.integrationUri);
      expect(fn.inputs.handler, `${route.method} ${route.path}`).toBe(route.handler);
      // API Gateway may invoke it.
      one(developer, "aws:lambda/permission:Permission", (p) => p.inputs.function === fn.state.arn && p.inputs.principal === "apigateway.amazonaws.com");
    }
  });

  it("allows the storefront's origin (CORS), and only it", () => {
    const api = one(developer, "aws:apigatewayv2/api:Api", () => true);
    expect(api.inputs.corsConfiguration).toEqual({
      allowOrigins: [developer.outputs.storefront],
      allowHeaders: [...httpApi.cors.allowHeaders],
      allowMethods: [...httpApi.cors.allowMethods],
      maxAge: httpApi.cors.maxAgeSeconds,
    });
    expect(developer.outputs.storefront).toMatch(/^https:\/\/.+\.cloudfront\.net$/);
    expect(developer.outputs.stripeWebhookUrl).toBe(`${developer.outputs.api}/webhooks/stripe`);
  });
});

describe("every Shopwave function", () => {
  it("exists once per declaration, on nodejs24.x arm64, with its memory and timeout", () => {
    expect(shopwaveFunctions(developer)).toHaveLength(declaredFunctions.length);
    for (const declared of declaredFunctions) {
      const fn = functionFor(developer, declared.handler);
      expect(fn.inputs.runtime, declared.what).toBe("nodejs24.x");
      expect(fn.inputs.architectures, declared.what).toEqual([lambdaRuntime.architecture]);
      expect(fn.inputs.memorySize, declared.what).toBe(declared.memoryMb);
      expect(fn.inputs.timeout, declared.what).toBe(declared.timeoutSeconds);
    }
  });

  it("and every other Lambda function of a stage (storefront server, image optimizer, SST's helpers) runs Node 24 too", () => {
    for (const run of [developer, production]) {
      const functions = ofType(run, "aws:lambda/function:Function");
      expect(functions.length).toBeGreaterThan(declaredFunctions.length);
      for (const fn of functions) expect(fn.inputs.runtime, fn.name).toBe("nodejs24.x");
    }
    // Under `sst dev` a handler's deployed stand-in is SST's bridge (a native binary relaying each
    // invocation to the developer's machine); the handler itself is registered to run as nodejs24.x.
    expect(live.rpc.devTargets).toHaveLength(declaredFunctions.length);
    const bridges = new Set(live.rpc.devTargets.map((target) => `${target.functionID}Function`));
    for (const target of live.rpc.devTargets) expect(target.runtime, target.handler).toBe("nodejs24.x");
    for (const fn of ofType(live, "aws:lambda/function:Function")) {
      expect(fn.inputs.runtime, fn.name).toBe(bridges.has(fn.name) ? "provided.al2023" : "nodejs24.x");
    }
  });

  it("is built with exactly the resources it links (what SST encrypts into its bundle)", () => {
    for (const declared of declaredFunctions) {
      const build = developer.rpc.builds.filter((b) => b.handler === declared.handler);
      expect(build, declared.what).toHaveLength(1);
      expect(Object.keys(build[0]!.links).sort(), declared.what).toEqual([...declared.link].sort());
      expect(build[0]).toMatchObject({ runtime: lambdaRuntime.runtime, architecture: lambdaRuntime.architecture });
      for (const name of declared.link.filter((link) => secretNames.has(link))) {
        expect(build[0]!.links[name], `${declared.what} reads ${name}`).toMatchObject({ value: secretValues[name as keyof typeof secretValues] });
      }
    }
  });

  it("gets Powertools settings, and only the settings it declares", () => {
    for (const declared of declaredFunctions) {
      const variables = env(functionFor(developer, declared.handler));
      expect(variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: observability.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: observability.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: observability.logLevel,
      });
      const settings = new Set<string>("settings" in declared && declared.settings ? declared.settings : []);
      for (const name of ["STOREFRONT_URL", "ORDER_RESERVATION_MINUTES", "ORDER_RATE_LIMIT", "ORDER_HOLDS_PER_EMAIL", "ORDER_HOLDS_PER_CLIENT", "SWEEP_GRACE_SECONDS", "STRIPE_API_BASE_URL"]) {
        if (!settings.has(name)) expect(variables[name], `${declared.what} ${name}`).toBeUndefined();
      }
    }
    const createOrder = routes.find((route) => route.path === "/orders" && route.method === "POST")!;
    expect(env(functionFor(developer, createOrder.handler))).toMatchObject({
      STOREFRONT_URL: developer.outputs.storefront,
      ORDER_RESERVATION_MINUTES: "45",
      ORDER_RATE_LIMIT: "off",
      ORDER_HOLDS_PER_CLIENT: "off",
    });
    // Unset at deploy time: the handler's own reservation default applies; orders are rate-limited
    // and what one shopper or client may hold is capped, with settings the handler accepts.
    const productionEnv = env(functionFor(production, createOrder.handler));
    expect(productionEnv.ORDER_RESERVATION_MINUTES).toBeUndefined();
    expect(productionEnv.ORDER_RATE_LIMIT).toMatch(/^\d+\/\d+s$/);
    expect(productionEnv).toMatchObject(orderHoldDefaults);
    expect(holdLimitsFrom(productionEnv)).toEqual({
      email: expect.objectContaining({ orders: expect.any(Number) }),
      client: expect.objectContaining({ orders: expect.any(Number) }),
    });
    expect(env(functionFor(developer, createOrder.handler)).ORDER_HOLDS_PER_EMAIL).toBe(orderHoldDefaults.ORDER_HOLDS_PER_EMAIL);
  });

  it("never sees a Stripe secret in plaintext: not in its environment, nor in any AWS resource", () => {
    for (const run of [developer, production]) {
      for (const value of Object.values(secretValues)) {
        const leaking = run.resources.filter((resource) => resource.type.startsWith("aws:") && containsText(resource.inputs, value));
        expect(leaking.map((resource) => `${resource.type} ${resource.name}`)).toEqual([]);
      }
    }
  });

  it("has an IAM role that Lambda alone may assume, allowing only its links' actions on its links' resources", () => {
    const queue = queueOf(developer, queues.orderEvents.resource);
    const bus = within(developer, component(developer, "sst:aws:Bus", eventBus.resource)).find((r) => r.type === "aws:cloudwatch/eventBus:EventBus")!;
    const ordersTable = tableOf(developer, tables.orders);
    for (const declared of declaredFunctions) {
      const fn = functionFor(developer, declared.handler);
      const role = roleOf(developer, fn);
      const trust = role.inputs.assumeRolePolicy as { Statement: { Principal: unknown; Action: unknown }[] };
      expect(trust.Statement, declared.what).toEqual([expect.objectContaining({ Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } })]);

      const expected: Statement[] = [];
      for (const name of declared.link as readonly string[]) {
        if (tableResourceNames.has(name)) {
          const arn = String(tableOf(developer, tableDeclarations.find((t) => t.resource === name)!).state.arn);
          expected.push({ Effect: "Allow", Action: [...tableDataActions], Resource: [arn, `${arn}/index/*`] });
        } else if (queueResourceNames.has(name)) {
          // A linked queue may be sent to, unless the declaration lists its actions (added below).
          const listed = "queuePermissions" in declared && (declared.queuePermissions as readonly QueuePermission[]).some((permission) => permission.queue === name);
          if (!listed) expected.push({ Effect: "Allow", Action: [...queueSendActions], Resource: [String(queueOf(developer, name).state.arn)] });
        } else if (name === eventBus.resource) {
          expected.push({ Effect: "Allow", Action: [...busPublishActions], Resource: [String(bus.state.arn)] });
        } else if (name === email.resource) {
          expected.push(emailSendStatement(developer));
        } else {
          expect(secretNames.has(name), `${declared.what} links unknown ${name}`).toBe(true);
        }
      }
      // The console's queue routes: exactly the SQS actions their topology entry lists, each on its queue.
      for (const permission of "queuePermissions" in declared ? (declared.queuePermissions as readonly QueuePermission[]) : []) {
        expected.push({ Effect: "Allow", Action: [...permission.actions], Resource: [String(queueOf(developer, permission.queue).state.arn)] });
      }
      if (declared.handler === queues.orderEvents.consumer.handler) {
        // The subscription lets the worker consume the queue it is subscribed to (and no other).
        expected.push({
          Effect: "Allow",
          Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
          Resource: [String(queue.state.arn)],
        });
      }
      for (const consumer of Object.values(eventConsumers)) {
        if (declared.handler !== consumer.consumer.handler) continue;
        expected.push({
          Effect: "Allow",
          Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
          Resource: [String(queueOf(developer, consumer.resource).state.arn)],
        });
      }
      if (declared.handler === streams.orderEvents.handler) {
        // The stream subscription lets the publisher read the orders stream; its on-failure
        // destination is written with its role, so it may send there, and only there.
        expected.push(
          {
            Effect: "Allow",
            Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            Resource: [String(ordersTable.state.streamArn)],
          },
          { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [String(queueOf(developer, streams.orderEvents.onFailure.resource).state.arn)] },
        );
      }
      const statements = inlineStatements(role);
      expect(statements, declared.what).toHaveLength(expected.length);
      expect(statements, declared.what).toEqual(expect.arrayContaining(expected));
      for (const statement of statements) {
        expect(statement.Resource.some((resource) => resource === "*"), declared.what).toBe(false);
        expect(statement.Action.some((action) => action.endsWith(":*")), declared.what).toBe(false);
      }
      expect(role.inputs.managedPolicyArns).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
    }
  });
});

describe("the email identity", () => {
  it("is an SES identity for the stage's sender (EMAIL_SENDER), sending through its own configuration set", () => {
    for (const run of [developer, production, live]) {
      const inside = within(run, component(run, "sst:aws:Email", email.resource));
      const [identity, ...otherIdentities] = inside.filter((r) => r.type === "aws:sesv2/emailIdentity:EmailIdentity");
      const [configurationSet, ...otherSets] = inside.filter((r) => r.type === "aws:sesv2/configurationSet:ConfigurationSet");
      expect([otherIdentities, otherSets]).toEqual([[], []]);
      expect(identity!.inputs.emailIdentity).toBe(TEST_EMAIL_SENDER);
      expect(identity!.inputs.configurationSetName).toBe(configurationSet!.inputs.configurationSetName);
      expect(String(configurationSet!.inputs.configurationSetName)).not.toBe("");
    }
  });

  it("lets a linked function send from that sender alone: ses:SendEmail, From pinned, no other SES action", () => {
    const statement = emailSendStatement(developer);
    expect(statement.Action).toEqual(["ses:SendEmail"]);
    expect(statement.Resource.every((arn) => arn.startsWith("arn:aws:ses:"))).toBe(true);
    expect(statement.Condition).toEqual({ StringEquals: { "ses:FromAddress": [TEST_EMAIL_SENDER] } });
  });
});

/** The IAM statement a function linked to the email identity gets. */
function emailSendStatement(run: ProgramRun): Statement {
  const inside = within(run, component(run, "sst:aws:Email", email.resource));
  const identity = inside.find((r) => r.type === "aws:sesv2/emailIdentity:EmailIdentity")!;
  const configurationSet = inside.find((r) => r.type === "aws:sesv2/configurationSet:ConfigurationSet")!;
  return {
    Effect: "Allow",
    Action: [...emailSendActions],
    Resource: [String(identity.state.arn).replace(/:identity\/.*$/, ":identity/*"), String(configurationSet.state.arn)],
    Condition: { StringEquals: { "ses:FromAddress": [TEST_EMAIL_SENDER] } },
  };
}

describe("the operator console's functions", () => {
  const sqsActionsOf = (handler: string) =>
    inlineStatements(roleOf(developer, functionFor(developer, handler))).flatMap((statement) =>
      statement.Action.filter((action) => action.startsWith("sqs:")).map((action) => `${action} ${statement.Resource.join(",")}`),
    );
  const arnOf = (resource: string) => String(queueOf(developer, resource).state.arn);
  const handlerOf = (path: string) => routes.find((route) => route.path === path)!.handler;
  /** Every DLQ of the stage with the queue it parks failures of: the worker's and each event consumer's. */
  const deadLetterQueues = [...Object.values(queues), ...Object.values(eventConsumers)].map((queue) => ({ dlq: queue.deadLetter.resource, source: queue.resource }));
  const grants = (path: string, perDeadLetter: (queue: { dlq: string; source: string }) => string[]) =>
    expect(sqsActionsOf(handlerOf(path)).sort(), path).toEqual(deadLetterQueues.flatMap(perDeadLetter).sort());
  const on = (resource: string, ...actions: string[]) => actions.map((action) => `${action} ${arnOf(resource)}`);

  it("reaches every DLQ of the stage, each only as the route's action needs, and never another queue", () => {
    expect(deadLetterQueues).toHaveLength(1 + Object.keys(eventConsumers).length);
    // Depths: attributes alone (no link grants sending to a DLQ).
    grants("/admin/dead-letters", ({ dlq }) => on(dlq, "sqs:GetQueueAttributes"));
    grants("/admin/dead-letters/{queue}/move-tasks", ({ dlq }) => on(dlq, "sqs:GetQueueAttributes", "sqs:ListMessageMoveTasks"));
    // Inspecting receives and releases (visibility back to 0).
    grants("/admin/dead-letters/{queue}/messages", ({ dlq }) => on(dlq, "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility"));
    // Deleting one: receive (to find it) and delete on the DLQ, nothing on its source.
    grants("/admin/dead-letters/{queue}/messages/{messageId}/delete", ({ dlq }) =>
      on(dlq, "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"),
    );
    // Redriving one: receive and delete on the DLQ, send to its source queue only.
    grants("/admin/dead-letters/{queue}/messages/{messageId}/redrive", ({ dlq, source }) => [
      ...on(dlq, "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"),
      ...on(source, "sqs:SendMessage"),
    ]);
    // Redriving all: SQS's message-move task runs with the caller's permissions.
    grants("/admin/dead-letters/{queue}/redrive", ({ dlq, source }) => [
      ...on(dlq, "sqs:GetQueueAttributes", "sqs:StartMessageMoveTask", "sqs:ReceiveMessage", "sqs:DeleteMessage"),
      ...on(source, "sqs:SendMessage", "sqs:GetQueueAttributes"),
    ]);
    // The live sale view reads every queue's depth and touches no message.
    grants("/admin/sales", ({ dlq, source }) => [...on(dlq, "sqs:GetQueueAttributes"), ...on(source, "sqs:GetQueueAttributes")]);
  });

  it("links each of those routes to every DLQ, so the handler has its URL", () => {
    for (const path of ["/admin/dead-letters", "/admin/dead-letters/{queue}/messages", "/admin/dead-letters/{queue}/messages/{messageId}/redrive", "/admin/dead-letters/{queue}/messages/{messageId}/delete", "/admin/dead-letters/{queue}/redrive", "/admin/dead-letters/{queue}/move-tasks", "/admin/sales"]) {
      const [build] = developer.rpc.builds.filter((b) => b.handler === handlerOf(path));
      for (const { dlq } of deadLetterQueues) expect(build!.links[dlq], `${path} → ${dlq}`).toMatchObject({ url: expect.any(String) });
    }
  });

  it("keeps the Stripe key to the routes that call Stripe, and message moves to the redrive-all route", () => {
    const adminRoutes = routes.filter((route) => route.path.startsWith("/admin/"));
    expect(adminRoutes.filter((route) => (route.link as readonly string[]).includes("StripeSecretKey")).map((route) => route.path).sort()).toEqual(
      ["/admin/orders/{id}", "/admin/orders/{id}/cancel", "/admin/orders/{id}/refunds"].sort(),
    );
    const moving = routes.filter((route) => sqsActionsOf(route.handler).some((entry) => entry.startsWith("sqs:StartMessageMoveTask")));
    expect(moving.map((route) => route.path)).toEqual(["/admin/dead-letters/{queue}/redrive"]);
    // Every admin route, and only those, is operator-only (the refusal tests walk this flag).
    expect(routes.filter((route) => "operatorOnly" in route).map((route) => route.path)).toEqual(adminRoutes.map((route) => route.path));
  });
});

describe("the sweeper", () => {
  it("runs on the declared schedule, invoking its function", () => {
    const sweeper = crons.sweepExpiredOrders;
    const fn = functionFor(developer, sweeper.handler);
    const schedule = one(developer, "aws:scheduler/schedule:Schedule", () => true);
    expect(schedule.inputs.scheduleExpression).toBe(`rate(${sweeper.everyMinutes} minutes)`);
    expect(schedule.inputs.state).toBe("ENABLED");
    expect((schedule.inputs.target as { arn: string }).arn).toBe(fn.state.arn);
  });
});

describe("the sign-in issuer (sst.aws.Auth)", () => {
  it("is SST's Auth component: the issuer function, its function URL and OpenAuth's storage table are its children", () => {
    for (const run of [developer, production, live]) {
      const authComponent = component(run, "sst:aws:Auth", auth.resource);
      const children = within(run, authComponent);
      const storage = component(run, "sst:aws:Dynamo", auth.storage.resource);
      expect(storage.parent).toBe(authComponent.urn);
      expect(children.map((child) => child.urn)).toContain(tableOf(run, auth.storage).urn);
      const [issuer, ...others] = children.filter((child) => child.type === "aws:lambda/function:Function");
      expect(others).toEqual([]);
      // Under `sst dev` the deployed function is SST's bridge to the same handler on the developer's machine.
      if (run === live) expect(live.rpc.devTargets).toContainEqual(expect.objectContaining({ handler: auth.issuer.handler }));
      else expect(issuer!.urn).toBe(functionFor(run, auth.issuer.handler).urn);
      const [url, ...moreUrls] = children.filter((child) => child.type === "aws:lambda/functionUrl:FunctionUrl");
      expect(moreUrls).toEqual([]);
      expect(url!.inputs).toMatchObject({ functionName: issuer!.state.name, authorizationType: "NONE" });
      // The issuer URL (what tokens name as their `iss`) is the function URL, without its trailing slash.
      expect(run.outputs.auth).toBe(String(url!.state.functionUrl).replace(/\/$/, ""));
    }
  });

  it("runs the issuer with its own OpenAuth storage table (pk/sk, TTL on expiry) wired through OPENAUTH_STORAGE", () => {
    const table = tableOf(developer, auth.storage);
    expect(table.inputs).toMatchObject({ hashKey: auth.storage.hashKey, rangeKey: auth.storage.rangeKey, ttl: { attributeName: auth.storage.ttlAttribute, enabled: true } });
    const issuer = functionFor(developer, auth.issuer.handler);
    expect(JSON.parse(env(issuer).OPENAUTH_STORAGE!)).toEqual({ type: "dynamo", options: { table: table.state.name } });
    // Linked (not just named): the issuer's bundle carries the table and its role may use it.
    const build = developer.rpc.builds.find((candidate) => candidate.handler === auth.issuer.handler)!;
    expect(build.links[auth.storage.resource]).toMatchObject({ name: table.state.name });
    const arn = String(table.state.arn);
    expect(inlineStatements(roleOf(developer, issuer))).toContainEqual({ Effect: "Allow", Action: [...tableDataActions], Resource: [arn, `${arn}/index/*`] });
  });

  it("keeps the signing keys in production: the storage table has deletion protection and PITR there only", () => {
    expect(tableOf(production, auth.storage).inputs).toMatchObject({ deletionProtectionEnabled: true, pointInTimeRecovery: { enabled: true } });
    expect(tableOf(developer, auth.storage).inputs).toMatchObject({ deletionProtectionEnabled: false, pointInTimeRecovery: { enabled: false } });
  });

  it("gives the issuer the stage's operator allowlist and storefront, and every token-checking function the issuer's URL", () => {
    const issuerEnv = env(functionFor(developer, auth.issuer.handler));
    expect(issuerEnv).toMatchObject({ OPERATOR_EMAILS: "ops@example.com", STOREFRONT_URL: developer.outputs.storefront });
    expect(developer.outputs.auth).toEqual(expect.stringMatching(/^https:\/\//));
    const checking = routes.filter((route) => "settings" in route && (route.settings as readonly string[]).includes("AUTH_ISSUER_URL"));
    expect(checking.map((route) => route.path)).toEqual(expect.arrayContaining(["/me", "/me/orders", "/me/orders/{id}", "/orders"]));
    for (const route of checking) expect(env(functionFor(developer, route.handler)).AUTH_ISSUER_URL, route.path).toBe(developer.outputs.auth);
    const server = one(developer, "aws:lambda/function:Function", (fn) => fn.name.startsWith(`${storefront.resource}Server`));
    expect(env(server)[storefront.authUrlEnv]).toBe(developer.outputs.auth);
    // The issuer allows one callback, on STOREFRONT_URL; the storefront builds it from the same value.
    expect(env(server)[storefront.publicUrlEnv]).toBe(issuerEnv.STOREFRONT_URL);
  });
});

describe("the storefront", () => {
  it("is built and served with the API's URL, through the CloudFront router whose URL is the CORS origin", () => {
    const builder = one(developer, "command:local:Command", (command) => command.name === `${storefront.resource}Builder`);
    expect((builder.inputs.environment as Record<string, string>)[storefront.apiUrlEnv]).toBe(developer.outputs.api);
    const server = one(developer, "aws:lambda/function:Function", (fn) => fn.name.startsWith(`${storefront.resource}Server`));
    expect(env(server)[storefront.apiUrlEnv]).toBe(developer.outputs.api);
    expect(server.inputs.runtime).toBe(lambdaRuntime.runtime);
    expect(server.inputs.architectures).toEqual([lambdaRuntime.architecture]);
    const routerDistribution = within(developer, component(developer, "sst:aws:Router", storefront.router)).filter(
      (r) => r.type === "aws:cloudfront/distribution:Distribution",
    );
    expect(routerDistribution).toHaveLength(1);
    expect(developer.outputs.storefront).toBe(`https://${String(routerDistribution[0]!.state.domainName)}`);
  });
});

describe("the catalog behind the CDN", () => {
  it("routes the catalog paths of the storefront router to the API, through a cache policy that takes TTLs from the API", () => {
    const route = component(developer, "sst:aws:RouterUrlRoute", `${storefront.router}Route${catalogCaching.catalogPath}`);
    const inside = within(developer, route);
    // The route's KV entries: the API's host, the path rewrite to the API's own paths, and the pattern.
    expect(inside.some((r) => containsText(r.inputs, new URL(String(developer.outputs.api)).host))).toBe(true);
    expect(inside.some((r) => containsText(r.inputs, "^/api/(.*)$"))).toBe(true);
    expect("/api/products/enamel-camp-mug?x=1".replace(/^\/api\/(.*)$/, "/$1")).toBe("/products/enamel-camp-mug?x=1");
    expect(inside.some((r) => containsText(r.inputs, `,${catalogCaching.catalogPath}`))).toBe(true);

    const policies = within(developer, component(developer, "sst:aws:Router", storefront.router)).filter((r) => r.type === "aws:cloudfront/cachePolicy:CachePolicy");
    expect(policies).toHaveLength(1);
    const policy = policies[0]!.inputs as { minTtl: number; defaultTtl: number; maxTtl: number; parametersInCacheKeyAndForwardedToOrigin: { queryStringsConfig: { queryStringBehavior: string } } };
    // Origin Cache-Control decides (s-maxage, stale-while-revalidate); nothing is cached the API did not allow.
    expect(policy.minTtl).toBe(0);
    expect(policy.defaultTtl).toBe(0);
    expect(policy.maxTtl).toBeGreaterThanOrEqual(catalogCaching.sharedMaxAgeSeconds);
    expect(policy.parametersInCacheKeyAndForwardedToOrigin.queryStringsConfig.queryStringBehavior).toBe("all");
    expect(developer.outputs.catalogApi).toBe(`${String(developer.outputs.storefront)}${catalogCaching.catalogPath}`);
  });
});

describe("under `sst dev`", () => {
  it("deploys no CloudFront, lets the local Next.js dev server call the API, and runs every handler live", () => {
    expect(ofType(live, "aws:cloudfront/distribution:Distribution")).toEqual([]);
    expect(live.outputs.storefront).toBe(storefront.devUrl);
    const api = one(live, "aws:apigatewayv2/api:Api", () => true);
    expect((api.inputs.corsConfiguration as { allowOrigins: string[] }).allowOrigins).toEqual([storefront.devUrl]);
    expect(live.rpc.devTargets.map((target) => target.handler).sort()).toEqual(declaredFunctions.map((fn) => fn.handler).sort());
    const createOrder = routes.find((route) => route.path === "/orders" && route.method === "POST")!;
    // The deployed stand-in (SST's bridge) of POST /orders carries the same settings.
    const target = live.rpc.devTargets.find((t) => t.handler === createOrder.handler)!;
    const bridge = one(live, "aws:lambda/function:Function", (fn) => fn.name === `${target.functionID}Function`);
    expect(env(bridge).STOREFRONT_URL).toBe(storefront.devUrl);
  });
});

describe("sst-env.d.ts", () => {
  it("is the file SST generates for the program's links, so handlers compile against the real Resource types", () => {
    expect(readFileSync(path.join(repoRoot, "sst-env.d.ts"), "utf8")).toBe(renderSstEnv(linksOf(developer.resources)));
  });
});

describe("alarms", () => {
  const metricAlarms = (run: ProgramRun) => ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");

  it("every declared alarm exists once per stage, named after the stage, notifying the Alarms topic", () => {
    const topic = within(developer, component(developer, "sst:aws:SnsTopic", "Alarms")).find((r) => r.type === "aws:sns/topic:Topic")!;
    expect(developer.outputs.alarmsTopic).toBe(topic.state.arn);
    // An alarm over every function is split into groups of at most 10 (CloudWatch's metric math limit).
    const functionGroups = Math.ceil(shopwaveFunctions(developer).length / 10);
    const overFunctions = alarms.filter((alarm) => alarm.metric.kind === "functions").length;
    expect(metricAlarms(developer)).toHaveLength(alarms.length + overFunctions * (functionGroups - 1));
    for (const alarm of alarms) {
      const resource = one(developer, "aws:cloudwatch/metricAlarm:MetricAlarm", (r) => r.name === alarm.name);
      expect(resource.inputs).toMatchObject({
        name: `shopwave-alice-${alarm.name}`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: alarm.threshold,
        evaluationPeriods: alarm.evaluationPeriods,
        treatMissingData: "notBreaching",
        alarmActions: [topic.state.arn],
        okActions: [topic.state.arn],
      });
      expect(String(resource.inputs.alarmDescription)).toContain(`docs/operations.md#${alarm.runbook}`);
    }
    expect(metricAlarms(production).map((alarm) => alarm.inputs.name).sort()).toEqual(
      metricAlarms(developer).map((alarm) => String(alarm.inputs.name).replace("shopwave-alice-", "shopwave-production-")).sort(),
    );
  });

  it("are left out of a stage that did not opt in, so it costs nothing at rest", () => {
    expect(metricAlarms(live)).toEqual([]);
    expect(ofType(live, "aws:sns/topic:Topic")).toEqual([]);
    expect(live.outputs.alarmsTopic).toBeUndefined();
  });

  it("watch the stage's own metrics: its queues, its API, its functions, and the app's EMF metrics", () => {
    const api = one(developer, "aws:apigatewayv2/api:Api", () => true);
    for (const alarm of alarms) {
      const resource = one(developer, "aws:cloudwatch/metricAlarm:MetricAlarm", (r) => r.name === alarm.name);
      const { metric } = alarm;
      if (metric.kind === "functions") {
        type Query = { id: string; expression?: string; returnData: boolean; metric?: { metricName: string; dimensions: { FunctionName: string }; stat: string; period: number } };
        const groups = metricAlarms(developer).filter((r) => new RegExp(`^${alarm.name}\\d*$`).test(r.name));
        const watched: string[] = [];
        for (const group of groups) {
          const queries = group.inputs.metricQueries as Query[];
          expect(queries.filter((query) => query.metric).length).toBeLessThanOrEqual(10);
          watched.push(...queries.filter((query) => query.metric).map((query) => query.metric!.dimensions.FunctionName));
          expect(queries.filter((query) => query.metric).every((query) => query.metric!.metricName === metric.name && query.metric!.stat === alarm.statistic)).toBe(true);
          expect(queries.filter((query) => query.returnData)).toEqual([expect.objectContaining({ expression: `SUM([${queries.filter((q) => q.metric).map((q) => q.id).join(",")}])` })]);
          expect(String(group.inputs.alarmDescription)).toContain(`docs/operations.md#${alarm.runbook}`);
        }
        // Every Shopwave function, each in exactly one group.
        expect(watched.sort()).toEqual(shopwaveFunctions(developer).map((fn) => String(fn.state.name)).sort());
        continue;
      }
      expect(resource.inputs).toMatchObject({ metricName: metric.name, statistic: alarm.statistic, period: alarm.periodSeconds });
      if (metric.kind === "app") {
        expect(resource.inputs).toMatchObject({ namespace: observability.metricsNamespace, dimensions: { service: observability.serviceName } });
      } else if (metric.kind === "queue") {
        expect(resource.inputs).toMatchObject({ namespace: "AWS/SQS", dimensions: { QueueName: queueOf(developer, metric.queue).state.name } });
      } else if (metric.kind === "stream") {
        const fn = functionFor(developer, streams[metric.stream].handler);
        expect(resource.inputs).toMatchObject({ namespace: "AWS/Lambda", dimensions: { FunctionName: fn.state.name } });
      } else if (metric.kind === "ses") {
        // SES publishes its reputation metrics for the account and region, without dimensions.
        expect(resource.inputs).toMatchObject({ namespace: "AWS/SES" });
        expect(resource.inputs.dimensions).toBeUndefined();
      } else {
        expect(resource.inputs).toMatchObject({ namespace: "AWS/ApiGateway", dimensions: { ApiId: api.id } });
      }
    }
  });
});
