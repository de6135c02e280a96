// Every failure to its HTTP answer: domain errors by code (with Retry-After where the error says
// when to come back), zod failures as 400 with each issue's path, dependency outages (throttling,
// server faults, the network) as 503 + Retry-After, anything else as a bare 500; every answer
// carries a message a person can read and never an internal detail.
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { NotFound, OutOfStock, PaymentProviderUnavailable, RateLimited, ValidationFailed } from "@shopwave/core/shared/domain-error";
import { dependencyOutageResponse, internalErrorResponse, knownErrorResponse } from "./error-response";
import { HttpError } from "./http-error";

/** The error of an answer, checked to carry a readable message (a code alone tells a person nothing). */
function errorOf(response: APIGatewayProxyStructuredResultV2 | undefined) {
  expect(response).toBeDefined();
  const { error } = JSON.parse(String(response!.body)) as { error: { code: string; message: string; details?: unknown } };
  expect(error.message).toMatch(/\w/);
  return error;
}

describe("domain errors as HTTP", () => {
  it.each([
    [new ValidationFailed("bad"), 400, "VALIDATION_FAILED"],
    [new NotFound("Order"), 404, "NOT_FOUND"],
    [new OutOfStock([{ productId: "mug", name: "Mug", requested: 2, available: 1 }]), 409, "OUT_OF_STOCK"],
    [new PaymentProviderUnavailable("down", 5), 503, "PAYMENT_PROVIDER_UNAVAILABLE"],
    [new RateLimited("slow down", 30), 429, "RATE_LIMITED"],
  ])("maps %s", (error, status, code) => {
    const response = knownErrorResponse(error)!;
    expect(response.statusCode).toBe(status);
    expect(errorOf(response).code).toBe(code);
  });

  it("sends Retry-After only when the error says when to come back", () => {
    expect(knownErrorResponse(new NotFound("Order"))!.headers).not.toHaveProperty("retry-after");
    expect(knownErrorResponse(new ValidationFailed("bad"))!.headers).not.toHaveProperty("retry-after");
  });

  it("answers a zod failure with 400 and every issue's path and message", () => {
    const schema = z.object({ items: z.array(z.object({ quantity: z.number().int().min(1) })) }).strict();
    const failure = schema.safeParse({ items: [{ quantity: 1 }, { quantity: 0 }], price: 5 }).error!;
    const response = knownErrorResponse(failure)!;
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.details).toEqual([
      { path: "items.1.quantity", message: expect.stringMatching(/\w/) },
      { path: "", message: expect.stringContaining("price") },
    ]);
  });

  it("passes an HTTP error of the parsing layer through with its status, code, message and details", () => {
    const response = knownErrorResponse(new HttpError(413, "PAYLOAD_TOO_LARGE", "The body must be at most 10 bytes.", { maxBytes: 10 }))!;
    expect(response.statusCode).toBe(413);
    expect(errorOf(response)).toEqual({ code: "PAYLOAD_TOO_LARGE", message: "The body must be at most 10 bytes.", details: { maxBytes: 10 } });
  });

  it("leaves anything else to the caller to log", () => {
    expect(knownErrorResponse(new TypeError("x is undefined"))).toBeUndefined();
    expect(knownErrorResponse("a string")).toBeUndefined();
  });

  it("tells how many are left when out of stock", () => {
    const response = knownErrorResponse(new OutOfStock([{ productId: "mug", name: "Mug", requested: 2, available: 1 }]))!;
    expect(JSON.parse(String(response.body)).error.details).toEqual({
      items: [{ productId: "mug", name: "Mug", requested: 2, available: 1 }],
    });
  });

  it("asks clients to retry later when the payment provider is down", () => {
    expect(knownErrorResponse(new PaymentProviderUnavailable("down", 5))!.headers).toMatchObject({ "retry-after": "5" });
  });

  it("never exposes internals in a 500", () => {
    const response = internalErrorResponse();
    expect(response.statusCode).toBe(500);
    expect(String(response.body)).not.toMatch(/stack|at \w+ \(/);
    expect(errorOf(response).code).toBe("INTERNAL_ERROR");
  });

  it("tells a rate-limited client when to come back", () => {
    expect(knownErrorResponse(new RateLimited("slow down", 30))!.headers).toMatchObject({ "retry-after": "30" });
  });
});

describe("dependency outages", () => {
  const awsError = (name: string, fault: "client" | "server") => Object.assign(new Error(name), { name, $fault: fault });

  it.each([
    ["throttling that outlasted the retries", awsError("ProvisionedThroughputExceededException", "client")],
    ["a throttled API", awsError("ThrottlingException", "client")],
    ["a server-side fault", awsError("InternalServerError", "server")],
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED", $metadata: { attempts: 3 } })],
    ["a reset connection", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    ["a request timeout", Object.assign(new Error("Connection timed out after 1000 ms"), { name: "TimeoutError" })],
    ["a request limit", awsError("RequestLimitExceeded", "client")],
  ])("answer %s with 503 and Retry-After", (_name, error) => {
    const response = dependencyOutageResponse(error)!;
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ "retry-after": "1" });
    expect(errorOf(response).code).toBe("SERVICE_UNAVAILABLE");
  });

  // Each way Node reports a dependency it cannot reach (the SDKs rethrow the socket error's code).
  it.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])(
    "answer a network failure %s with 503",
    (code) => {
      expect(dependencyOutageResponse(Object.assign(new Error(`request failed: ${code}`), { code }))?.statusCode).toBe(503);
    },
  );

  it("answer an outage a library wrapped (its cause) with 503, and a wrapped bug with nothing", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const wrapped = new Error("Failed to put record for idempotency key", { cause: new Error("persistence layer", { cause: refused }) });
    expect(dependencyOutageResponse(wrapped)?.statusCode).toBe(503);
    expect(dependencyOutageResponse(new Error("handler failed", { cause: new TypeError("x is undefined") }))).toBeUndefined();
    // A cause that leads back to itself is not followed forever.
    const cyclic: Error & { cause?: unknown } = new Error("a");
    cyclic.cause = cyclic;
    expect(dependencyOutageResponse(cyclic)).toBeUndefined();
  });

  it.each([
    ["a bug", new TypeError("x is undefined")],
    ["a client-side AWS error", awsError("ValidationException", "client")],
    ["an error with another code", Object.assign(new Error("bad"), { code: "ERR_INVALID_ARG_TYPE" })],
    ["something thrown that is not an Error", { code: "ECONNREFUSED", $fault: "server" }],
    ["null thrown", null],
  ])("leave %s to the generic 500", (_name, error) => {
    expect(dependencyOutageResponse(error)).toBeUndefined();
  });
});

describe("wrapped failures", () => {
  it("keep the provider's error as cause for the log, and never send it to the client", () => {
    const providerError = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443 (sk_test_secret)"), { type: "StripeConnectionError" });
    const wrapped = new PaymentProviderUnavailable("The payment provider is unavailable; please try again shortly.", 5, providerError);
    expect(wrapped.cause).toBe(providerError);
    const response = knownErrorResponse(wrapped)!;
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("ECONNREFUSED");
    expect(response.body).not.toContain("sk_test_secret");
  });
});
