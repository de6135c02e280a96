import { describe, expect, it } from "vitest";
import { email, eventBus, eventConsumers, queues, secrets, streams, tables } from "@shopwave/infra/topology";
import { sstResourceEnv } from "./sst-resource-env";

const queueUrls = Object.fromEntries(
  [
    ...[...Object.values(queues), ...Object.values(eventConsumers)].flatMap((queue) => [queue.resource, queue.deadLetter.resource]),
    ...Object.values(streams).map((stream) => stream.onFailure.resource),
  ].map((resource) => [resource, { url: `http://q/${resource}` }]),
);
const input = {
  app: { name: "shopwave", stage: "local" },
  tableName: (declaration: { resource: string }) => `t-${declaration.resource}`,
  queueUrls,
  secretValues: { StripeSecretKey: "sk_test_x", StripeWebhookSecret: "whsec_x" },
  emailSender: "orders@shop.test",
  eventBus: { name: "shopwave-local-OrderEventsBus", arn: "arn:aws:events:us-east-1:000000000000:event-bus/shopwave-local-OrderEventsBus" },
};

describe("sstResourceEnv", () => {
  it("feeds SST's Resource every table, queue, dead-letter queue and secret the topology declares", () => {
    const env = sstResourceEnv(input);
    for (const table of Object.values(tables)) expect(JSON.parse(env[`SST_RESOURCE_${table.resource}`]!)).toEqual({ name: `t-${table.resource}`, type: "sst.aws.Dynamo" });
    for (const resource of Object.keys(queueUrls)) expect(JSON.parse(env[`SST_RESOURCE_${resource}`]!)).toEqual({ url: `http://q/${resource}`, type: "sst.aws.Queue" });
    for (const secret of Object.values(secrets)) expect(JSON.parse(env[`SST_RESOURCE_${secret.resource}`]!).type).toBe("sst.sst.Secret");
    expect(JSON.parse(env.SST_RESOURCE_StripeSecretKey!).value).toBe("sk_test_x");
    expect(JSON.parse(env.SST_RESOURCE_App!)).toEqual({ name: "shopwave", stage: "local" });
  });

  it("links the email identity as sst.aws.Email does: its sender and configuration set", () => {
    const env = sstResourceEnv(input);
    expect(JSON.parse(env[`SST_RESOURCE_${email.resource}`]!)).toEqual({ sender: "orders@shop.test", configSet: "shopwave-local-email", type: "sst.aws.Email" });
  });

  it("links the order events bus, and every consumer's queue and DLQ and the publisher's failure queue", () => {
    const env = sstResourceEnv(input);
    expect(JSON.parse(env[`SST_RESOURCE_${eventBus.resource}`]!)).toEqual({ ...input.eventBus, type: "sst.aws.Bus" });
    for (const consumer of Object.values(eventConsumers)) expect(env[`SST_RESOURCE_${consumer.deadLetter.resource}`]).toBeDefined();
    expect(env.SST_RESOURCE_OrderEventsPublishFailures).toBeDefined();
  });

  it("refuses a secret without a value and a queue that was not created", () => {
    expect(() => sstResourceEnv({ ...input, secretValues: { ...input.secretValues, StripeWebhookSecret: "" } })).toThrow(/StripeWebhookSecret.*STRIPE_WEBHOOK_SECRET/);
    expect(() => sstResourceEnv({ ...input, queueUrls: {} })).toThrow(/was not created/);
  });
});
