import { describe, expect, it } from "vitest";
import { NotFound, OutOfStock, PaymentProviderUnavailable, ValidationFailed } from "@shopwave/core/shared/domain-error";
import { internalErrorResponse, knownErrorResponse } from "./error-response";

describe("domain errors as HTTP", () => {
  it.each([
    [new ValidationFailed("bad"), 400, "VALIDATION_FAILED"],
    [new NotFound("Order"), 404, "NOT_FOUND"],
    [new OutOfStock([{ productId: "mug", name: "Mug", requested: 2, available: 1 }]), 409, "OUT_OF_STOCK"],
    [new PaymentProviderUnavailable("down", 5), 503, "PAYMENT_PROVIDER_UNAVAILABLE"],
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
});
