// Every JSON answer: its status, the body as JSON, headers that keep it out of caches and stop
// browsers sniffing it as something else (a caller's headers added, never replacing those), and the
// one error shape with details only when there are some.
import { describe, expect, it } from "vitest";
import { errorResponse, jsonResponse } from "./json-response";

describe("jsonResponse", () => {
  it("answers JSON that no cache keeps and no browser sniffs", () => {
    const response = jsonResponse(201, { id: "ord_1" }, { location: "/orders/ord_1" });
    expect(response).toEqual({
      statusCode: 201,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        location: "/orders/ord_1",
      },
      body: '{"id":"ord_1"}',
    });
  });
});

describe("errorResponse", () => {
  it("answers the error shape, with details only when given", () => {
    expect(JSON.parse(String(errorResponse(404, "NOT_FOUND", "Order not found.").body))).toEqual({ error: { code: "NOT_FOUND", message: "Order not found." } });
    const withDetails = errorResponse(409, "OUT_OF_STOCK", "Not enough stock.", { items: [] }, { "retry-after": "2" });
    expect(withDetails.statusCode).toBe(409);
    expect(withDetails.headers).toMatchObject({ "retry-after": "2", "x-content-type-options": "nosniff" });
    expect(JSON.parse(String(withDetails.body))).toEqual({ error: { code: "OUT_OF_STOCK", message: "Not enough stock.", details: { items: [] } } });
  });
});
