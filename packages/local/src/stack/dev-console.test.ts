import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { addressRows, formatDevConsoleLine } from "./dev-console";

const plain = (text: string) => stripVTControlCharacters(text);

describe("formatDevConsoleLine", () => {
  it("renders a handler log line compactly, with its order id and the fields that matter", () => {
    const line = formatDevConsoleLine(
      JSON.stringify({
        level: "INFO",
        message: "payment event confirmed",
        timestamp: "2026-11-25T07:31:24.517Z",
        service: "shopwave",
        cold_start: false,
        function_arn: "arn:aws:lambda:us-east-1:0:function:workers-order-events",
        function_name: "workers-order-events",
        function_request_id: "8b7e",
        sampling_rate: 0,
        orderId: "ord_qrhze5mar1tpkgyqsvbfm502yr",
        stripeEventType: "checkout.session.completed",
        receiveCount: 1,
      }),
    );
    expect(line.kind).toBe("log");
    expect(plain((line as { text: string }).text)).toBe(
      "07:31:24.517 INFO  workers-order-events   payment event confirmed ord_qrhze5mar1tpkgyqsvbfm502yr stripeEventType=checkout.session.completed receiveCount=1",
    );
  });

  it("shows an error's message and first frames", () => {
    const line = formatDevConsoleLine(
      JSON.stringify({ level: "ERROR", message: "request failed", function_name: "api-create-order", error: { name: "TypeError", message: "boom", stack: "TypeError: boom\n    at a (x.ts:1:1)\n    at b (y.ts:2:2)" } }),
    );
    expect(plain((line as { text: string }).text)).toMatch(/request failed\n    TypeError: boom\n      at a \(x\.ts:1:1\)\n      at b/);
  });

  it("folds EMF metric lines into counts", () => {
    const emf = { _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: "Shopwave", Dimensions: [["service"]], Metrics: [{ Name: "OrdersCreated", Unit: "Count" }, { Name: "OrdersFailed", Unit: "Count" }] }] }, service: "shopwave", OrdersCreated: 2, OrdersFailed: 1 };
    expect(formatDevConsoleLine(JSON.stringify(emf))).toEqual({ kind: "metrics", counts: { OrdersCreated: 2, OrdersFailed: 1 } });
  });

  it("drops handler request lines the gateway already prints, keeps failed ones, and passes other output through", () => {
    expect(formatDevConsoleLine(JSON.stringify({ level: "INFO", message: "request", statusCode: 200 })).kind).toBe("skip");
    expect(formatDevConsoleLine(JSON.stringify({ level: "ERROR", message: "request", statusCode: 500 })).kind).toBe("log");
    expect(formatDevConsoleLine("gateway  │ GET /health 200 1ms").kind).toBe("other");
    expect(formatDevConsoleLine("{not json").kind).toBe("other");
  });
});

describe("addressRows", () => {
  const urls = {
    storefront: "http://localhost:3000",
    api: "http://127.0.0.1:3001",
    stripe: "http://127.0.0.1:12111",
    dynamodb: "http://127.0.0.1:8000",
    sqs: "http://127.0.0.1:9324",
    inbox: "http://127.0.0.1:8005/",
    auth: "http://127.0.0.1:3002",
    events: "http://127.0.0.1:8010",
  };

  it("lists every part with its address, the local SES inbox and the event bus among them", () => {
    expect(addressRows(urls).map(plain)).toEqual([
      "  Storefront         http://localhost:3000",
      "  API                http://127.0.0.1:3001",
      "  Stripe simulator   http://127.0.0.1:12111",
      "  DynamoDB           http://127.0.0.1:8000",
      "  SQS                http://127.0.0.1:9324",
      "  Inbox (SES)        http://127.0.0.1:8005/",
      "  Sign-in issuer     http://127.0.0.1:3002",
      "  Event bus          http://127.0.0.1:8010",
    ]);
  });

  it("says so when real Stripe is used", () => {
    expect(plain(addressRows({ ...urls, stripe: null })[2]!)).toMatch(/real Stripe/);
  });
});
