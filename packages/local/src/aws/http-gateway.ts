// A local API Gateway v2 (HTTP API) in front of the real handlers. It speaks plain HTTP and
// turns each request into the Lambda proxy integration's payload format 2.0 event, then maps
// the handler's result back the way API Gateway does, so the handlers cannot tell the
// difference. The AWS behaviours it reproduces:
//
// - Routing: `METHOD /path/{param}` (and a greedy `{proxy+}`), literal segments win over
//   parameters; no match (also a known path with another method) is 404 {"message":"Not Found"}.
// - Event 2.0: header names lowercased, duplicate headers and query values comma-joined, the
//   `cookie` header moved into `cookies`, X-Forwarded-* and X-Amzn-Trace-Id added, body base64
//   encoded unless the content type is text, optional fields absent rather than empty.
// - Response 2.0: `{ statusCode, headers, cookies, body, isBase64Encoded }`; any other JSON value
//   is inferred as 200 application/json with that JSON as the body.
// - Failures: a handler that throws, returns a malformed result or runs past its Lambda timeout
//   is a function error, which API Gateway answers with 500 {"message":"Internal Server Error"}
//   (details go to the log only). The integration timeout (30 s on HTTP APIs) answers
//   503 {"message":"Service Unavailable"}: it is what a client sees when the handler's Lambda
//   timeout is longer than the integration's.
// - Payload limit 10 MiB: 413 {"message":"Request Entity Too Large"}, decided from
//   Content-Length or while streaming, never buffering more than the limit.
// - CORS configured on the API: preflights are answered by the gateway, the configured
//   headers are added to integration responses and the integration's own CORS headers ignored.
// - Every response carries `apigw-requestid`, the same id as `requestContext.requestId`.
import { randomBytes } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import type { RouteDeclaration } from "@shopwave/infra/topology";
import { createLambdaContext, functionNameFor } from "./lambda-context";
import { listen, urlHost } from "../process/listen";
import { createLocalLog } from "../process/log";

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface HttpGatewayCors {
  /** Exact origins, `*` (any), or a scheme wildcard such as `https://*`. */
  allowOrigins: string[];
  allowHeaders?: string[];
  allowMethods?: string[];
  maxAgeSeconds?: number;
}

export interface HttpGatewayOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  routes: readonly RouteDeclaration[];
  loadHandler: (handlerRef: string) => Promise<HttpHandler>;
  cors?: HttpGatewayCors;
  /** Request payload limit; API Gateway's is 10 MiB. */
  maxBodyBytes?: number;
  /** API Gateway's integration timeout; HTTP APIs allow at most (and default to) 30 s. */
  integrationTimeoutMs?: number;
  /**
   * Tests only: take `sourceIp` from the left-most X-Forwarded-For entry when it is an IP address,
   * so one load generator can stand for many clients (API Gateway itself never does this).
   */
  trustForwardedFor?: boolean;
}

export interface HttpGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_INTEGRATION_TIMEOUT_MS = 30_000;
/** Lambda's limit for a synchronous invocation's response payload. */
const MAX_RESPONSE_PAYLOAD_BYTES = 6 * 1024 * 1024;
const ACCOUNT_ID = "000000000000";
const API_ID = "local";

const log = createLocalLog("gateway");

// ---------------------------------------------------------------------------------------------
// Routing

interface CompiledRoute {
  readonly declaration: RouteDeclaration;
  readonly routeKey: string;
  readonly segments: readonly Segment[];
  /** Literal segments count: the most specific route wins, as on API Gateway. */
  readonly specificity: number;
}

type Segment = { kind: "literal"; value: string } | { kind: "param"; name: string } | { kind: "greedy"; name: string };

function compileRoute(declaration: RouteDeclaration): CompiledRoute {
  const segments: Segment[] = declaration.path
    .split("/")
    .slice(1)
    .map((part) => {
      const param = /^\{([^{}+]+)(\+?)\}$/.exec(part);
      if (!param) return { kind: "literal", value: part };
      return param[2] ? { kind: "greedy", name: param[1]! } : { kind: "param", name: param[1]! };
    });
  return {
    declaration,
    routeKey: `${declaration.method} ${declaration.path}`,
    segments,
    specificity: segments.filter((segment) => segment.kind === "literal").length,
  };
}

interface RouteMatch {
  readonly route: CompiledRoute;
  readonly pathParameters: Record<string, string>;
}

function matchPath(route: CompiledRoute, rawPath: string): Record<string, string> | undefined {
  const parts = rawPath.split("/").slice(1);
  const parameters: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    if (segment.kind === "greedy") {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join("/") === "") return undefined;
      const value = safeDecode(rest.join("/"));
      if (value === undefined) return undefined;
      parameters[segment.name] = value;
      return parameters;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === "literal") {
      if (part !== segment.value) return undefined;
    } else {
      if (part === "") return undefined;
      const value = safeDecode(part);
      if (value === undefined) return undefined;
      parameters[segment.name] = value;
    }
  }
  return parts.length === route.segments.length ? parameters : undefined;
}

function findRoute(routes: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch | undefined {
  let best: RouteMatch | undefined;
  for (const route of routes) {
    const routeMethod = route.declaration.method as string;
    if (routeMethod !== method && routeMethod !== "ANY") continue;
    const pathParameters = matchPath(route, rawPath);
    if (!pathParameters) continue;
    if (!best || route.specificity > best.route.specificity) best = { route, pathParameters };
  }
  return best;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The event

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
function newRequestId(): string {
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

function buildEvent(input: EventInput): APIGatewayProxyEventV2 {
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

// ---------------------------------------------------------------------------------------------
// The response

interface HttpAnswer {
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

const notFound = () => gatewayError(404, "Not Found");
const tooLarge = () => gatewayError(413, "Request Entity Too Large");
const internalError = () => gatewayError(500, "Internal Server Error");
const serviceUnavailable = () => gatewayError(503, "Service Unavailable");

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

// ---------------------------------------------------------------------------------------------
// CORS

function originAllowed(cors: HttpGatewayCors, origin: string): boolean {
  return cors.allowOrigins.some((allowed) => {
    if (allowed === "*") return true;
    if (allowed.endsWith("://*")) return origin.startsWith(allowed.slice(0, -1));
    return allowed.toLowerCase() === origin.toLowerCase();
  });
}

function allowOriginValue(cors: HttpGatewayCors, origin: string): string {
  return cors.allowOrigins.includes("*") ? "*" : origin;
}

function preflightAnswer(cors: HttpGatewayCors, origin: string): HttpAnswer {
  const headers: Record<string, string> = { vary: "Origin" };
  if (originAllowed(cors, origin)) {
    headers["access-control-allow-origin"] = allowOriginValue(cors, origin);
    if (cors.allowMethods?.length) headers["access-control-allow-methods"] = cors.allowMethods.join(",");
    if (cors.allowHeaders?.length) headers["access-control-allow-headers"] = cors.allowHeaders.join(",");
    if (cors.maxAgeSeconds !== undefined) headers["access-control-max-age"] = String(cors.maxAgeSeconds);
  }
  return { status: 204, headers, cookies: [], body: Buffer.alloc(0) };
}

function withCors(cors: HttpGatewayCors | undefined, origin: string | undefined, answer: HttpAnswer): HttpAnswer {
  if (!cors) return answer;
  // With CORS configured on the API, API Gateway ignores the integration's own CORS headers.
  const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !name.startsWith("access-control-")));
  if (origin !== undefined && originAllowed(cors, origin)) {
    headers["access-control-allow-origin"] = allowOriginValue(cors, origin);
    headers.vary = headers.vary ? `${headers.vary}, Origin` : "Origin";
  }
  return { ...answer, headers };
}

// ---------------------------------------------------------------------------------------------
// Body reading

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error("The client aborted the request."));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

// ---------------------------------------------------------------------------------------------
// Invocation

type InvocationOutcome = { kind: "result"; value: unknown } | { kind: "error"; error: unknown } | { kind: "lambda-timeout" } | { kind: "integration-timeout" };

async function invokeWithTimeouts(
  invoke: () => Promise<unknown>,
  lambdaTimeoutMs: number,
  integrationTimeoutMs: number,
): Promise<InvocationOutcome> {
  const timers: NodeJS.Timeout[] = [];
  const after = (ms: number, outcome: InvocationOutcome) =>
    new Promise<InvocationOutcome>((resolve) => timers.push(setTimeout(() => resolve(outcome), ms)));
  const run = invoke().then(
    (value): InvocationOutcome => ({ kind: "result", value }),
    (error: unknown): InvocationOutcome => ({ kind: "error", error }),
  );
  try {
    return await Promise.race([run, after(lambdaTimeoutMs, { kind: "lambda-timeout" }), after(integrationTimeoutMs, { kind: "integration-timeout" })]);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

// ---------------------------------------------------------------------------------------------
// The server

export async function startHttpGateway(options: HttpGatewayOptions): Promise<HttpGateway> {
  const host = options.host ?? "127.0.0.1";
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS;
  const routes = options.routes.map(compileRoute);
  const cors = options.cors;
  // One warm "container" per handler: loaded on first use, kept; a failed load is retried next time.
  const handlers = new Map<string, Promise<HttpHandler>>();
  let localPort = 0;

  const handlerFor = (handlerRef: string): Promise<HttpHandler> => {
    let loading = handlers.get(handlerRef);
    if (!loading) {
      loading = options.loadHandler(handlerRef);
      handlers.set(handlerRef, loading);
      loading.catch(() => handlers.delete(handlerRef));
    }
    return loading;
  };

  const invokeRoute = async (
    req: IncomingMessage,
    match: RouteMatch,
    rawPath: string,
    rawQueryString: string,
    requestId: string,
    epochMs: number,
  ): Promise<HttpAnswer> => {
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge();
      throw error;
    }
    const route = match.route.declaration;
    const functionName = functionNameFor(route.handler);
    const label = `${match.route.routeKey} → ${functionName} (${requestId})`;
    const event = buildEvent({ req, match, rawPath, rawQueryString, body, requestId, epochMs, localPort, trustForwardedFor: options.trustForwardedFor ?? false });
    const outcome = await invokeWithTimeouts(
      async () => {
        const handler = await handlerFor(route.handler);
        const context = createLambdaContext({ functionName, timeoutSeconds: route.timeoutSeconds, memoryMb: route.memoryMb });
        return handler(event, context);
      },
      route.timeoutSeconds * 1000,
      integrationTimeoutMs,
    );
    switch (outcome.kind) {
      case "result":
        try {
          return mapLambdaResult(outcome.value);
        } catch (error) {
          log.error(`${label}: malformed Lambda response: ${error instanceof Error ? error.message : String(error)}`);
          return internalError();
        }
      case "error":
        log.error(`${label} failed:\n${describeError(outcome.error)}`);
        return internalError();
      case "lambda-timeout":
        // Lambda stops the invocation and reports a function error; API Gateway turns it into a 500.
        // (The local handler keeps running in this process; its late result is discarded.)
        log.error(`${label}: Task timed out after ${route.timeoutSeconds.toFixed(2)} seconds`);
        return internalError();
      case "integration-timeout":
        log.error(`${label}: integration timed out after ${integrationTimeoutMs} ms`);
        return serviceUnavailable();
    }
  };

  const answerRequest = async (req: IncomingMessage, requestId: string, epochMs: number): Promise<HttpAnswer> => {
    const method = (req.method ?? "GET").toUpperCase();
    const target = req.url ?? "/";
    const queryAt = target.indexOf("?");
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const rawQueryString = queryAt === -1 ? "" : target.slice(queryAt + 1);
    const origin = req.headers.origin;

    if (cors && method === "OPTIONS" && origin !== undefined && req.headers["access-control-request-method"] !== undefined) {
      return preflightAnswer(cors, origin);
    }
    const match = findRoute(routes, method, rawPath);
    const answer = match ? await invokeRoute(req, match, rawPath, rawQueryString, requestId, epochMs) : notFound();
    return withCors(cors, origin, answer);
  };

  const send = (req: IncomingMessage, res: ServerResponse, answer: HttpAnswer, requestId: string) => {
    if (res.headersSent || res.destroyed) return;
    const headers: http.OutgoingHttpHeaders = { ...answer.headers, "apigw-requestid": requestId, "content-length": answer.body.length };
    if (answer.cookies.length > 0) headers["set-cookie"] = [...answer.cookies];
    // A request body left unread (404, 413) is drained and discarded, never buffered, and the
    // connection is not reused, so a large upload cannot tie it up.
    const bodyUnread = !req.complete;
    if (bodyUnread) headers.connection = "close";
    res.writeHead(answer.status, headers);
    res.end(req.method === "HEAD" ? undefined : answer.body);
    if (bodyUnread) req.resume();
  };

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const epochMs = Date.now();
    const requestId = newRequestId();
    const path = (req.url ?? "/").split("?")[0];
    res.on("finish", () => {
      log.info(`${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    answerRequest(req, requestId, epochMs)
      .then((answer) => send(req, res, answer, requestId))
      .catch((error: unknown) => {
        log.error(`${req.method} ${path} (${requestId}): ${describeError(error)}`);
        send(req, res, internalError(), requestId);
      });
  });
  server.keepAliveTimeout = 5_000;

  localPort = await listen(server, options.port ?? 0, host);

  return {
    url: `http://${urlHost(host)}:${localPort}`,
    port: localPort,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
