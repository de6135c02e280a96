// Reading API Gateway v2 requests safely: body size and media type are checked before parsing,
// JSON errors and schema violations become 4xx with details, never exceptions that escape.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { z } from "zod";
import { HttpError } from "./http-error";

/** The raw body as sent, decoding API Gateway's base64 wrapping of non-text payloads. */
export function rawBody(event: APIGatewayProxyEventV2): string {
  if (event.body === undefined) return "";
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
}

export function parseJsonBody<Schema extends z.ZodType>(
  event: APIGatewayProxyEventV2,
  schema: Schema,
  options: { maxBytes: number },
): z.infer<Schema> {
  const contentType = event.headers["content-type"] ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with Content-Type: application/json.");
  }
  const body = rawBody(event);
  if (Buffer.byteLength(body, "utf8") > options.maxBytes) {
    throw new HttpError(413, "PAYLOAD_TOO_LARGE", `The body must be at most ${options.maxBytes} bytes.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(400, "INVALID_JSON", "The body is not valid JSON.");
  }
  return schema.parse(json);
}

export function parseQuery<Schema extends z.ZodType>(event: APIGatewayProxyEventV2, schema: Schema): z.infer<Schema> {
  return schema.parse(event.queryStringParameters ?? {});
}
