// JSON responses in the one error shape every endpoint shares:
// { "error": { "code", "message", "details"? } }.
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

const baseHeaders = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...baseHeaders, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  details?: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(statusCode, { error: { code, message, ...(details === undefined ? {} : { details }) } }, headers);
}
