// The order access token of a request: a bearer header first, then ?token=; anything not shaped
// like a token (or not exactly `Bearer <token>`) is no token at all.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { newAccessToken } from "@shopwave/core/orders/access-token";
import { accessTokenOf } from "./access-token";

const request = (headers: Record<string, string>, query?: Record<string, string>) =>
  ({ headers, ...(query ? { queryStringParameters: query } : {}) }) as unknown as APIGatewayProxyEventV2;

describe("accessTokenOf", () => {
  const { token } = newAccessToken();

  it("reads a bearer header first, then ?token=", () => {
    expect(accessTokenOf(request({ authorization: `Bearer ${token}` }, { token: "ignoredButWellFormed123" }))).toBe(token);
    expect(accessTokenOf(request({}, { token }))).toBe(token);
    expect(accessTokenOf(request({}))).toBeUndefined();
  });

  it("reads the bearer scheme in any case and with any spacing, and nothing that merely contains it", () => {
    expect(accessTokenOf(request({ authorization: `bearer  ${token}` }))).toBe(token);
    expect(accessTokenOf(request({ authorization: `BEARER\t${token}` }))).toBe(token);
    expect(accessTokenOf(request({ authorization: `Token Bearer ${token}` }))).toBeUndefined();
    expect(accessTokenOf(request({ authorization: `Bearer ${token} ${token}` }))).toBeUndefined();
  });

  it.each(["☃", "abc\r\nSet-Cookie: x=1", "a".repeat(4096), "", "with space in it", "%E2%98%83"])("treats %j as no token", (malformed) => {
    expect(accessTokenOf(request({}, { token: malformed }))).toBeUndefined();
    expect(accessTokenOf(request({ authorization: `Bearer ${malformed}` }))).toBeUndefined();
  });
});
