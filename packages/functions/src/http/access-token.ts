// The order access token of a request: `Authorization: Bearer <token>` (what the storefront
// sends: headers stay out of URLs, access logs and Referer) or `?token=` (kept for API clients
// and links handed out before tokens left the URL). Anything not shaped like a token is treated
// as no token, so garbage (non-ASCII, CR/LF, megabytes) is a plain 404 like a wrong token.
import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** base64url, as core issues them (32 random bytes: 43 characters), up to a sane length. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

export function accessTokenOf(event: APIGatewayProxyEventV2): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(event.headers.authorization ?? "")?.[1];
  const token = bearer ?? event.queryStringParameters?.token;
  return token !== undefined && TOKEN_SHAPE.test(token) ? token : undefined;
}
