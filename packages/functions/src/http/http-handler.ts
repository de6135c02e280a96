// Wraps an API handler: gives the invocation its own logger (keys appended for one request,
// such as its order id, can never end up on another request's lines, even where invocations
// share a process as in the local stack), maps every failure to a JSON error (no stack traces
// to clients), logs one line per request and flushes metrics.
import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { runInvocation } from "../shared/observability";
import { dependencyOutageResponse, internalErrorResponse, knownErrorResponse } from "./error-response";

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
export type RouteHandler = (event: APIGatewayProxyEventV2, log: Logger, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function httpHandler(route: string, handle: RouteHandler): ApiHandler {
  return (event, context) =>
    runInvocation(context, { route, requestId: event.requestContext?.requestId }, async (log) => {
      let response: APIGatewayProxyStructuredResultV2;
      try {
        response = await handle(event, log, context);
      } catch (error) {
        const known = knownErrorResponse(error);
        const outage = known ? undefined : dependencyOutageResponse(error);
        if (known) {
          response = known;
          // A refusal on our side (provider or store unavailable): the cause belongs in the log.
          if ((known.statusCode ?? 0) >= 500) log.warn("a dependency is failing", error as Error);
        } else if (outage) {
          log.warn("a dependency is failing", error as Error);
          response = outage;
        } else {
          log.error("request failed", error as Error);
          response = internalErrorResponse();
        }
      }
      const statusCode = response.statusCode ?? 200;
      const line = { method: event.requestContext?.http?.method, path: event.rawPath, statusCode };
      if (statusCode >= 500) log.error("request", line);
      else log.info("request", line);
      return response;
    });
}
