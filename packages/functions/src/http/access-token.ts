// The order access token of a request: `Authorization: Bearer <token>` (preferred: it stays out
// of access logs) or `?token=` (what Checkout's success_url carries).
import type { APIGatewayProxyEventV2 } from "aws-lambda";

export function accessTokenOf(event: APIGatewayProxyEventV2): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(event.headers.authorization ?? "")?.[1];
  return bearer ?? event.queryStringParameters?.token;
}
