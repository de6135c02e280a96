// Wraps every console (`/admin/…`) handler: the caller must present a valid token (401 otherwise)
// carrying the operator role (403 otherwise) before the handler runs, and every log line of the
// invocation carries the operator's id. An admin route cannot be written without this guard:
// the handler receives the operator from here, and the route table's `operatorOnly` flag is what
// the generated refusal tests walk.
import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { Operator } from "@shopwave/core/admin/audit-log";
import { authenticate, requireRole } from "./authenticate";
import { httpHandler, type ApiHandler } from "./http-handler";

export type AdminRouteHandler = (
  event: APIGatewayProxyEventV2,
  operator: Operator,
  log: Logger,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export function adminHandler(route: `${"GET" | "POST"} /admin/${string}`, handle: AdminRouteHandler): ApiHandler {
  return httpHandler(route, async (event, log, context) => {
    const principal = await authenticate(event);
    requireRole(principal, "operator");
    const operator: Operator = { id: principal.customerId, email: principal.email };
    log.appendKeys({ operatorId: operator.id });
    return handle(event, operator, log, context);
  });
}
