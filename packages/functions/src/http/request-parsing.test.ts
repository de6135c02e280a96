// Request bodies and queries read safely: the media type and the size are checked before parsing,
// and every refusal is a 4xx in the error shape with a message that says what to send instead.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { knownErrorResponse } from "./error-response";
import { parseJsonBody } from "./request-parsing";

const Schema = z.object({ n: z.number() }).strict();

function event(body: string | undefined, headers: Record<string, string> = { "content-type": "application/json" }, base64 = false) {
  return { headers, body, isBase64Encoded: base64 } as unknown as APIGatewayProxyEventV2;
}

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    const response = knownErrorResponse(error);
    return { status: response?.statusCode, body: JSON.parse(String(response?.body)) };
  }
  throw new Error("expected a failure");
}

describe("parseJsonBody", () => {
  it("parses a valid body, also when API Gateway base64-encoded it", () => {
    expect(parseJsonBody(event('{"n":1}'), Schema, { maxBytes: 100 })).toEqual({ n: 1 });
    expect(parseJsonBody(event(Buffer.from('{"n":2}').toString("base64"), undefined, true), Schema, { maxBytes: 100 })).toEqual({ n: 2 });
  });

  it.each([
    ["a non-JSON media type", event('{"n":1}', { "content-type": "text/plain" }), 415, "UNSUPPORTED_MEDIA_TYPE"],
    ["no content type", event('{"n":1}', {}), 415, "UNSUPPORTED_MEDIA_TYPE"],
    ["an oversized body", event(`{"n":1,"pad":"${"x".repeat(200)}"}`), 413, "PAYLOAD_TOO_LARGE"],
    ["broken JSON", event("{"), 400, "INVALID_JSON"],
    ["an empty body", event(undefined), 400, "INVALID_JSON"],
    ["a schema violation", event('{"n":"one"}'), 400, "VALIDATION_FAILED"],
    ["an unknown field", event('{"n":1,"x":2}'), 400, "VALIDATION_FAILED"],
  ])("answers %s with a JSON error", (_name, request, status, code) => {
    const result = statusOf(() => parseJsonBody(request, Schema, { maxBytes: 100 }));
    expect(result.status).toBe(status);
    expect(result.body.error.code).toBe(code);
    expect(result.body.error.message).toMatch(/\w/);
  });

  it.each([["application/json; charset=utf-8"], ["APPLICATION/JSON"], ["application/vnd.api+json"], ["application/merge-patch+json"]])(
    "accepts JSON sent as %s",
    (contentType) => {
      expect(parseJsonBody(event('{"n":1}', { "content-type": contentType }), Schema, { maxBytes: 100 })).toEqual({ n: 1 });
    },
  );

  it.each([["text/plain; x=application/json"], ["application/jsonp"], ["multipart/form-data; boundary=application/json"]])(
    "refuses %s, which only mentions JSON",
    (contentType) => {
      expect(statusOf(() => parseJsonBody(event('{"n":1}', { "content-type": contentType }), Schema, { maxBytes: 100 })).status).toBe(415);
    },
  );

  it("accepts a body of exactly the limit in bytes, counted in UTF-8, and names the limit when refusing one more", () => {
    const body = (pad: string) => `{"n":1,"p":"${pad}"}`;
    const atLimit = body("é".repeat(5)); // 5 characters, 10 bytes
    const limit = Buffer.byteLength(atLimit, "utf8");
    expect(limit).toBe(atLimit.length + 5);
    expect(parseJsonBody(event(atLimit), z.object({ n: z.number(), p: z.string() }), { maxBytes: limit })).toEqual({ n: 1, p: "ééééé" });
    const over = statusOf(() => parseJsonBody(event(body("é".repeat(5) + "x")), z.object({ n: z.number(), p: z.string() }), { maxBytes: limit }));
    expect(over.status).toBe(413);
    expect(over.body.error.message).toContain(String(limit));
  });

  it("lists the failing fields of a schema violation", () => {
    const result = statusOf(() => parseJsonBody(event('{"n":"one"}'), Schema, { maxBytes: 100 }));
    expect(result.body.error.details).toEqual([{ path: "n", message: expect.any(String) }]);
  });
});

describe("knownErrorResponse", () => {
  it("leaves unexpected errors to the caller (they become a generic 500)", () => {
    expect(knownErrorResponse(new Error("boom"))).toBeUndefined();
  });
});
