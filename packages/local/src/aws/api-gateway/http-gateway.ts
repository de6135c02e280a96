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
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import type { RouteDeclaration } from "@shopwave/infra/topology";
import { listen, urlHost } from "../../process/listen";
import { createLocalLog } from "../../process/log";
import { createLambdaContext, functionNameFor } from "../lambda-context";
import { preflightAnswer, withCors, type HttpGatewayCors } from "./cors";
import { buildEvent, newRequestId } from "./gateway-event";
import { internalError, mapLambdaResult, notFound, serviceUnavailable, tooLarge, type HttpAnswer } from "./gateway-response";
import { describeError, invokeWithTimeouts } from "./invocation";
import { BodyTooLarge, readBody } from "./request-body";
import { compileRoute, findRoute, type RouteMatch } from "./routing";

export type { HttpGatewayCors } from "./cors";

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

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

const log = createLocalLog("gateway");

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
