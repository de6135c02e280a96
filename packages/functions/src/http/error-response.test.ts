import { describe, expect, it } from "vitest";
import { NotFound, OutOfStock, PaymentProviderUnavailable, RateLimited, ValidationFailed } from "@shopwave/core/shared/domain-error";
import { dependencyOutageResponse, internalErrorResponse, knownErrorResponse } from "./error-response";

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
    expect(JSON.parse(String(response.body)).error.code).toBe(code);
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
    const body = String(internalErrorResponse().body);
    expect(body).not.toMatch(/stack|at \w+ \(/);
    expect(JSON.parse(body).error.code).toBe("INTERNAL_ERROR");
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
  ])("answer %s with 503 and Retry-After", (_name, error) => {
    const response = dependencyOutageResponse(error)!;
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ "retry-after": "1" });
    expect(JSON.parse(String(response.body)).error.code).toBe("SERVICE_UNAVAILABLE");
  });

  it.each([
    ["a bug", new TypeError("x is undefined")],
    ["a client-side AWS error", awsError("ValidationException", "client")],
    ["an error with another code", Object.assign(new Error("bad"), { code: "ERR_INVALID_ARG_TYPE" })],
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
