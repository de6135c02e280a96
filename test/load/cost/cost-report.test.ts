import { describe, expect, it } from "vitest";
import type { AwsUsage } from "./aws-usage-meter";
import { buildCostReport } from "./cost-report";

const usage = (overrides: Partial<AwsUsage> = {}): AwsUsage => ({
  functions: {
    "api-create-order": { invocations: 4, contendedMs: 40_000, soloMs: [400, 500, 900], memoryMb: 1024, logBytes: 2 * 2 ** 20 },
    "workers-order-events": { invocations: 2, contendedMs: 300, soloMs: [], memoryMb: 512, logBytes: 0 },
  },
  requests: { DynamoDB: { TransactWriteItems: 4 }, SQS: { SendMessage: 2, ReceiveMessage: 6 }, EventBridge: { PutEvents: 1 }, SESv2: { SendEmail: 2 }, Kinesis: { PutRecord: 1 } },
  requestsByFunction: {},
  eventBridgeEvents: 3,
  dynamodb: {
    tables: { Orders: { rru: 8, wru: 10, readRequests: 4, writeRequests: 4, localReportedUnits: 5 } },
    byFunction: {},
  },
  meterErrorCount: 0,
  meterErrors: [],
  ...overrides,
});

describe("buildCostReport", () => {
  const report = buildCostReport({ usage: usage(), confirmedOrders: 2, routeFunctions: new Set(["api-create-order"]), cdn: { requests: 20, bytesOut: 2 ** 30 } });

  it("bills each function's invocations at the median duration it takes alone, at its memory", () => {
    // 4 × 500 ms × 1 GB = 2 GB-s over 2 orders; the worker never ran alone: 2 × 150 ms × 0.5 GB over 2 orders.
    expect(report.perOrder.lambda["api-create-order"]).toMatchObject({ invocations: 2, gbSeconds: 1, billedMsPerInvocation: 500, durationFrom: "solo invocations" });
    expect(report.perOrder.lambda["workers-order-events"]).toMatchObject({ gbSeconds: 0.075, durationFrom: "contended wall time" });
    expect(report.dollarsPerMillionOrders.lambdaDuration).toBeCloseTo(1.075 * 0.0000133334 * 1e6, 1);
    expect(report.dollarsPerMillionOrders.lambdaRequests).toBeCloseTo(3 * 0.2, 1);
  });

  it("counts API requests from the route functions only, and prices the other services per request, event or email", () => {
    expect(report.perOrder.apiRequests).toBe(2);
    expect(report.dollarsPerMillionOrders.apiGateway).toBe(2);
    expect(report.dollarsPerMillionOrders.sqs).toBeCloseTo(4 * 0.4, 1);
    expect(report.dollarsPerMillionOrders.eventBridge).toBeCloseTo(1.5, 1);
    expect(report.dollarsPerMillionOrders.ses).toBeCloseTo(100, 1); // 1 email per order at $0.10 per 1,000
    expect(report.unpriced).toEqual(["Kinesis"]);
  });

  it("prices DynamoDB from the billed units, not DynamoDB Local's figure", () => {
    expect(report.perOrder.dynamodb).toMatchObject({ wru: 5, rru: 4, localReportedUnits: 2.5 });
    expect(report.dollarsPerMillionOrders.dynamodbWrites).toBeCloseTo(5 * 0.625, 1);
    expect(report.dollarsPerMillionOrders.dynamodbReads).toBeCloseTo(4 * 0.125, 1);
  });

  it("adds the modelled platform and access-log lines to the measured log bytes, and sums the back end", () => {
    expect(report.perOrder.logBytes.measured).toBe(2 ** 20);
    expect(report.perOrder.logBytes.modelled).toBe((6 * 340 + 4 * 400) / 2);
    const lines = ["apiGateway", "lambdaRequests", "lambdaDuration", "dynamodbWrites", "dynamodbReads", "sqs", "eventBridge", "ses", "logs"] as const;
    const sum = lines.reduce((total, line) => total + report.dollarsPerMillionOrders[line]!, 0);
    expect(report.dollarsPerMillionOrders.backEnd).toBeCloseTo(sum, 1);
    // The CDN: 10 requests and 0.5 GB out per order.
    expect(report.dollarsPerMillionOrders.storefrontCdn).toBeCloseTo(10 + 0.5 * 0.085 * 1e6, 0);
  });
});
