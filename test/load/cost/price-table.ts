// AWS list prices, us-east-1, on-demand, without free tiers or savings plans, as published on the
// services' pricing pages when checked (date below). The cost report multiplies the metered usage
// by these; recheck them before relying on a figure (prices change and differ by region).
export const priceTable = {
  checkedOn: "2026-11-30",
  region: "us-east-1",
  lambda: {
    source: "https://aws.amazon.com/lambda/pricing/",
    /** Per request, and per GB-second on arm64 (first pricing tier). */
    perMillionRequests: 0.2,
    perGbSecondArm64: 0.0000133334,
  },
  apiGateway: { source: "https://aws.amazon.com/api-gateway/pricing/", /** HTTP API, first 300M requests a month. */ perMillionRequests: 1.0 },
  dynamodb: {
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    perMillionWriteRequestUnits: 0.625,
    perMillionReadRequestUnits: 0.125,
  },
  /** Standard queues; every 64 KB chunk of a payload is one request. */
  sqs: { source: "https://aws.amazon.com/sqs/pricing/", perMillionRequests: 0.4 },
  /** Custom events published to an event bus; every 64 KB chunk is one event. */
  eventBridge: { source: "https://aws.amazon.com/eventbridge/pricing/", perMillionEvents: 1.0 },
  /** Outbound email, per message (a-la-carte). */
  ses: { source: "https://aws.amazon.com/ses/pricing/", perThousandEmails: 0.1 },
  cloudWatchLogs: { source: "https://aws.amazon.com/cloudwatch/pricing/", /** Standard log class, ingestion. */ perGbIngested: 0.5 },
  cloudFront: {
    source: "https://aws.amazon.com/cloudfront/pricing/",
    /** HTTPS requests, North America / Europe ($0.0100 per 10,000). */
    perMillionRequests: 1.0,
    /** Data out to the internet, first 10 TB a month, North America / Europe. */
    perGbOut: 0.085,
  },
} as const;

/**
 * What the meter cannot see locally, and the figures used instead: the lines Lambda itself writes
 * per invocation (START, END, REPORT: about 340 bytes) and API Gateway's access log line per
 * request (SST's JSON format: about 400 bytes).
 */
export const modelledLogBytes = { lambdaPlatformPerInvocation: 340, apiAccessLogPerRequest: 400 } as const;
