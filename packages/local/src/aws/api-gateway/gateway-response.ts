// The handler's result mapped back as API Gateway maps payload format 2.0 results, and the
// gateway's own error answers ({"message": …}).

/** Lambda's limit for a synchronous invocation's response payload. */
const MAX_RESPONSE_PAYLOAD_BYTES = 6 * 1024 * 1024;
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const gatewayError = (status: number, message: string): HttpAnswer => ({
  status,
  headers: { "content-type": "application/json" },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message })),
});

export const notFound = () => gatewayError(404, "Not Found");
export const tooLarge = () => gatewayError(413, "Request Entity Too Large");
export const internalError = () => gatewayError(500, "Internal Server Error");
export const serviceUnavailable = () => gatewayError(503, "Service Unavailable");

class MalformedResponse extends Error {}

/**
 * Maps a handler's result as API Gateway does for payload format 2.0. The result first goes
 * through JSON, as Lambda serialises it (so Dates become strings, undefined becomes null).
 */
export function mapLambdaResult(result: unknown): HttpAnswer {
  const payload = JSON.stringify(result) ?? "null";
  if (Buffer.byteLength(payload) > MAX_RESPONSE_PAYLOAD_BYTES) {
    throw new MalformedResponse(`The response payload exceeds Lambda's ${MAX_RESPONSE_PAYLOAD_BYTES} bytes.`);
  }
  const value: unknown = JSON.parse(payload);
  const structured = typeof value === "object" && value !== null && !Array.isArray(value) && "statusCode" in value;
  if (!structured) {
    return { status: 200, headers: { "content-type": "application/json" }, cookies: [], body: Buffer.from(payload) };
  }

  const response = value as Record<string, unknown>;
  const status = response.statusCode;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new MalformedResponse(`statusCode must be an integer HTTP status, got ${JSON.stringify(status)}.`);
  }
  const headers: Record<string, string> = {};
  if (response.headers !== undefined && response.headers !== null) {
    if (typeof response.headers !== "object" || Array.isArray(response.headers)) throw new MalformedResponse("headers must be an object.");
    for (const [name, headerValue] of Object.entries(response.headers)) {
      if (headerValue === null || typeof headerValue === "object") {
        throw new MalformedResponse(`header "${name}" must be a string, number or boolean.`);
      }
      headers[name.toLowerCase()] = String(headerValue);
    }
  }
  const cookies = response.cookies ?? [];
  if (!Array.isArray(cookies) || cookies.some((cookie) => typeof cookie !== "string")) {
    throw new MalformedResponse("cookies must be an array of strings.");
  }
  const body = response.body ?? "";
  if (typeof body !== "string") throw new MalformedResponse("body must be a string (serialise JSON yourself).");
  return {
    status,
    headers,
    cookies: cookies as string[],
    body: response.isBase64Encoded === true ? Buffer.from(body, "base64") : Buffer.from(body, "utf8"),
  };
}
