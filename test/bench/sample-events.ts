// One realistic first event per handler of the topology, for the cold-start benchmark: an API
// Gateway v2 (payload 2.0) request for a route, an SQS batch for a queue consumer, an EventBridge
// scheduled event for a cron. Routes get the request a shopper would send; the ones the benchmark
// cannot sign or own (a webhook, someone's order) get the answer path a stranger would hit.
import type { APIGatewayProxyEventV2, SQSEvent } from "aws-lambda";
import { FLASH_SALE_PRODUCT_ID } from "@shopwave/local/stack/seed-catalog";
import type { HandlerDeclaration } from "./handler-bundles";

const ROUTE_SAMPLES: Record<string, { path: string; pathParameters?: Record<string, string>; query?: string; body?: unknown }> = {
  "GET /products": { path: "/products", query: "limit=50" },
  "GET /products/{id}": { path: `/products/${FLASH_SALE_PRODUCT_ID}`, pathParameters: { id: FLASH_SALE_PRODUCT_ID } },
  "POST /orders": { path: "/orders", body: { email: "cold-start@bench.example", items: [{ productId: "field-notebook", quantity: 1 }] } },
  "GET /orders/{id}": { path: "/orders/ord_00000000000000000000000000", pathParameters: { id: "ord_00000000000000000000000000" }, query: "token=not-the-token" },
};

export function apiEvent(method: string, routePath: string): APIGatewayProxyEventV2 {
  const sample = ROUTE_SAMPLES[`${method} ${routePath}`] ?? { path: routePath };
  const now = Date.now();
  const body = sample.body === undefined ? undefined : JSON.stringify(sample.body);
  return {
    version: "2.0",
    routeKey: `${method} ${routePath}`,
    rawPath: sample.path,
    rawQueryString: sample.query ?? "",
    headers: { host: "bench.local", "user-agent": "shopwave-bench", ...(body ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : {}) },
    ...(sample.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(sample.query)) } : {}),
    ...(sample.pathParameters ? { pathParameters: sample.pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "bench",
      domainName: "bench.local",
      domainPrefix: "bench",
      http: { method, path: sample.path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "shopwave-bench" },
      requestId: `bench-${now}`,
      routeKey: `${method} ${routePath}`,
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
}

/** A batch with one `checkout.session.completed` for an order that does not exist (the worker looks it up and moves on). */
export function sqsEvent(): SQSEvent {
  const now = Date.now();
  const stripeEvent = {
    id: "evt_bench",
    object: "event",
    type: "checkout.session.completed",
    created: Math.floor(now / 1000),
    data: {
      object: {
        object: "checkout.session",
        id: "cs_test_bench",
        client_reference_id: "ord_00000000000000000000000000",
        metadata: { orderId: "ord_00000000000000000000000000" },
        payment_status: "paid",
        payment_intent: "pi_bench",
      },
    },
  };
  return {
    Records: [
      {
        messageId: "00000000-0000-4000-8000-000000000000",
        receiptHandle: "bench",
        body: JSON.stringify(stripeEvent),
        attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(now), SenderId: "bench", ApproximateFirstReceiveTimestamp: String(now) },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:bench",
        awsRegion: "us-east-1",
      },
    ],
  };
}

export function sampleEventFor(declaration: HandlerDeclaration): unknown {
  switch (declaration.kind) {
    case "route":
    case "baseline":
      return apiEvent(declaration.route?.method ?? "GET", declaration.route?.path ?? "/health");
    case "consumer":
      return sqsEvent();
    case "cron":
      return { version: "0", source: "aws.events", "detail-type": "Scheduled Event", detail: {}, time: new Date().toISOString() };
  }
}
