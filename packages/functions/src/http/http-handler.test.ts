import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
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
