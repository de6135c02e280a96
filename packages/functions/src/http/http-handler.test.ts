import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { captureOutput } from "../../../../test/support/handler-harness";
import { httpHandler } from "./http-handler";

const context = (name: string) =>
  ({ functionName: name, awsRequestId: `req-${name}`, invokedFunctionArn: `arn:aws:lambda:us-east-1:0:function:${name}`, memoryLimitInMB: "128", functionVersion: "$LATEST", getRemainingTimeInMillis: () => 1000 }) as unknown as Context;
const event = (orderId: string) =>
  ({ rawPath: `/orders/${orderId}`, headers: {}, pathParameters: { id: orderId }, requestContext: { requestId: `api-${orderId}`, http: { method: "GET" } } }) as unknown as APIGatewayProxyEventV2;

afterEach(() => vi.restoreAllMocks());

describe("httpHandler", () => {
  it("keeps each invocation's log keys to itself when invocations interleave", async () => {
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      return true;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handler = httpHandler("GET /orders/{id}", async (request, log) => {
      log.setLogLevel("INFO");
      log.appendKeys({ orderId: request.pathParameters!.id });
      await gate; // both invocations are in flight before either logs
      log.info("reading order");
      return { statusCode: 200, body: "{}" };
    });
    const both = Promise.all([handler(event("ord_a"), context("a")), handler(event("ord_b"), context("b"))]);
    release();
    await both;
    const reads = lines.filter((line) => line.message === "reading order");
    expect(reads.map((line) => [line.orderId, line.requestId])).toEqual([
      ["ord_a", "api-ord_a"],
      ["ord_b", "api-ord_b"],
    ]);
  });

  it("answers an unexpected failure with a generic 500 and no internals", async () => {
    const handler = httpHandler("GET /boom", async () => {
      throw new Error("connection string postgres://admin:hunter2@db");
    });
    const response = await handler(event("x"), context("boom"));
    expect(response.statusCode).toBe(500);
    expect(String(response.body)).not.toContain("hunter2");
    expect(JSON.parse(String(response.body)).error.code).toBe("INTERNAL_ERROR");
  });
});

describe("httpHandler's request line and warnings", () => {
  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = savedEnv;
  });
  type DomainErrors = typeof import("@shopwave/core/shared/domain-error");
  /** Runs a handler that throws what `fail` gives, with the domain errors of the freshly loaded modules (instanceof holds). */
  async function run(fail: (errors: DomainErrors) => never) {
    const out = captureOutput();
    process.env = { ...savedEnv, POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_DEV: "false" };
    vi.resetModules();
    const { httpHandler: fresh } = await import("./http-handler");
    const errors = await import("@shopwave/core/shared/domain-error");
    const response = await fresh("GET /orders/{id}", async () => fail(errors))(event("ord_log"), context("logged"));
    return { response, out };
  }

  it.each([
    ["a dependency's refusal (provider unavailable)", ({ PaymentProviderUnavailable }: DomainErrors) => {
      throw new PaymentProviderUnavailable("down", 5);
    }, 503, "WARN"],
    ["throttling that outlasted the retries", () => {
      throw Object.assign(new Error("slow"), { name: "ThrottlingException", $fault: "client" });
    }, 503, "WARN"],
  ])("answers %s with its 5xx, warns that a dependency is failing, and logs the request as an error", async (_name, fail, status, level) => {
    const { response, out } = await run(fail);
    expect(response.statusCode).toBe(status);
    expect(out.logged("a dependency is failing")).toEqual([expect.objectContaining({ level })]);
    expect(out.logged("request failed")).toEqual([]);
    expect(out.logged("request")).toEqual([expect.objectContaining({ level: "ERROR", statusCode: status, method: "GET", path: "/orders/ord_log" })]);
  });

  it("logs a client mistake's request line at INFO without a warning", async () => {
    const { response, out } = await run(({ NotFound }) => {
      throw new NotFound("Order");
    });
    expect(response.statusCode).toBe(404);
    expect(out.logged("a dependency is failing")).toEqual([]);
    expect(out.logged("request")).toEqual([expect.objectContaining({ level: "INFO", statusCode: 404 })]);
  });

  it("logs a bug as 'request failed' with its error", async () => {
    const { response, out } = await run(() => {
      throw new TypeError("x is undefined");
    });
    expect(response.statusCode).toBe(500);
    expect(out.logged("request failed")).toEqual([expect.objectContaining({ level: "ERROR", error: expect.objectContaining({ message: "x is undefined" }) })]);
    // The request line of a 500 is an error too (what the error-rate alarm counts), naming the route.
    expect(out.logged("request")).toEqual([expect.objectContaining({ level: "ERROR", statusCode: 500, route: "GET /orders/{id}" })]);
  });
});
