// The Lambda proxy integration's payload format 2.0 event built from an HTTP request: header
// names lowercased, duplicate headers and query values comma-joined, `cookie` moved into
// `cookies`, X-Forwarded-* and X-Amzn-Trace-Id added, body base64 encoded unless its content
// type is text, optional fields absent rather than empty.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { RouteMatch } from "./routing";

const ACCOUNT_ID = "000000000000";
const API_ID = "local";
/** Content types API Gateway passes to Lambda as text; every other body is base64 encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  return (
    mediaType.startsWith("text/") ||
    /^application\/([a-z0-9.-]+\+)?(json|xml)$/.test(mediaType) ||
    mediaType === "application/javascript"
  );
}

/** API Gateway's request id: 16 base64 characters, e.g. `JKJaXmPLvHcESHA=`. */
export function newRequestId(): string {
  return randomBytes(11).toString("base64");
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `requestContext.time`, in API Gateway's CLF-like format: `12/Mar/2020:19:03:58 +0000`. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
}

function sourceIpOf(req: IncomingMessage, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const claimed = req.headersDistinct["x-forwarded-for"]?.[0]?.split(",")[0]?.trim();
    if (claimed && isIP(claimed)) return claimed;
  }
  const address = req.socket.remoteAddress ?? "127.0.0.1";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

interface EventInput {
  readonly req: IncomingMessage;
  readonly match: RouteMatch;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly body: Buffer;
  readonly requestId: string;
  readonly epochMs: number;
  readonly localPort: number;
  readonly trustForwardedFor: boolean;
}

export function buildEvent(input: EventInput): APIGatewayProxyEventV2 {
  const { req, match, rawPath, rawQueryString, body, requestId, epochMs } = input;
  const sourceIp = sourceIpOf(req, input.trustForwardedFor);

  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    if (name === "cookie") {
      cookies = values.flatMap((value) => value.split(";").map((cookie) => cookie.trim())).filter((cookie) => cookie !== "");
    } else {
      headers[name] = values.join(",");
    }
  }
  headers["x-forwarded-for"] = headers["x-forwarded-for"] ? `${headers["x-forwarded-for"]}, ${sourceIp}` : sourceIp;
  headers["x-forwarded-port"] = String(input.localPort);
  headers["x-forwarded-proto"] = "http";
  headers["x-amzn-trace-id"] ??= traceId(epochMs);

  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    const previous = queryStringParameters[name];
    queryStringParameters[name] = previous === undefined ? value : `${previous},${value}`;
  }

  const domainName = headers.host ?? `127.0.0.1:${input.localPort}`;
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: match.route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      domainName,
      domainPrefix: domainName.replace(/:\d+$/, "").split(".")[0]!,
      http: {
        method: req.method ?? "GET",
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey: match.route.routeKey,
      stage: "$default",
      time: formatRequestTime(epochMs),
      timeEpoch: epochMs,
    },
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    isBase64Encoded: false,
  };
  if (body.length > 0) {
    const text = isTextContentType(headers["content-type"]);
    event.body = text ? body.toString("utf8") : body.toString("base64");
    event.isBase64Encoded = !text;
  }
  return event;
}
