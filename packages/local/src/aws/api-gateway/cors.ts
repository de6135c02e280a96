// CORS configured on the API: the gateway answers preflights itself, adds the configured
// headers to integration responses and ignores the integration's own CORS headers.
import type { HttpAnswer } from "./gateway-response";

export interface HttpGatewayCors {
  /** Exact origins, `*` (any), or a scheme wildcard such as `https://*`. */
  allowOrigins: string[];
  allowHeaders?: string[];
  allowMethods?: string[];
  maxAgeSeconds?: number;
}

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

export function preflightAnswer(cors: HttpGatewayCors, origin: string): HttpAnswer {
  const headers: Record<string, string> = { vary: "Origin" };
  if (originAllowed(cors, origin)) {
    headers["access-control-allow-origin"] = allowOriginValue(cors, origin);
    if (cors.allowMethods?.length) headers["access-control-allow-methods"] = cors.allowMethods.join(",");
    if (cors.allowHeaders?.length) headers["access-control-allow-headers"] = cors.allowHeaders.join(",");
    if (cors.maxAgeSeconds !== undefined) headers["access-control-max-age"] = String(cors.maxAgeSeconds);
  }
  return { status: 204, headers, cookies: [], body: Buffer.alloc(0) };
}

export function withCors(cors: HttpGatewayCors | undefined, origin: string | undefined, answer: HttpAnswer): HttpAnswer {
  if (!cors) return answer;
  // With CORS configured on the API, API Gateway ignores the integration's own CORS headers.
  const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !name.startsWith("access-control-")));
  if (origin !== undefined && originAllowed(cors, origin)) {
    headers["access-control-allow-origin"] = allowOriginValue(cors, origin);
    headers.vary = headers.vary ? `${headers.vary}, Origin` : "Origin";
  }
  return { ...answer, headers };
}
