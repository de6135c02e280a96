// Wraps an API handler: attaches the Lambda context to the logger, maps every failure to a
// JSON error (no stack traces to clients), logs one line per request and flushes metrics.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { logger, metrics } from "../shared/observability";
import { internalErrorResponse, knownErrorResponse } from "./error-response";

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function httpHandler(route: string, handle: ApiHandler): ApiHandler {
  return async (event, context) => {
    logger.addContext(context);
    logger.resetKeys();
    logger.appendKeys({ route, requestId: event.requestContext?.requestId });
    let response: APIGatewayProxyStructuredResultV2;
    try {
      response = await handle(event, context);
    } catch (error) {
      const known = knownErrorResponse(error);
      if (known) {
        response = known;
      } else {
        logger.error("request failed", error as Error);
        response = internalErrorResponse();
      }
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
    const statusCode = response.statusCode ?? 200;
    const log = statusCode >= 500 ? logger.error.bind(logger) : logger.info.bind(logger);
    log("request", { method: event.requestContext?.http?.method, path: event.rawPath, statusCode });
    return response;
  };
}
