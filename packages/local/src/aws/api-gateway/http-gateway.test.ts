import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import type { RouteDeclaration } from "@shopwave/infra/topology";
import { formatRequestTime, isTextContentType } from "./gateway-event";
import { startHttpGateway, type HttpGateway, type HttpHandler } from "./http-gateway";

const route = (method: "GET" | "POST", path: string, handler: string, timeoutSeconds = 5): RouteDeclaration => ({
  method,
  path,
  handler,
  timeoutSeconds,
  memoryMb: 256,
  link: [],
});

const routes: RouteDeclaration[] = [
  route("GET", "/echo/{id}", "stubs/echo.handler"),
  route("POST", "/echo/{id}", "stubs/echo.handler"),
  route("GET", "/echo/special", "stubs/special.handler"),
  route("GET", "/files/{path+}", "stubs/echo.handler"),
  route("GET", "/result", "stubs/result.handler"),
  route("GET", "/boom", "stubs/boom.handler"),
  route("GET", "/slow", "stubs/slow.handler", 0.2),
  route("GET", "/slower-than-integration", "stubs/slow.handler", 10),
];

interface Seen {
  event: APIGatewayProxyEventV2;
  context: Context;
}

let seen: Seen[] = [];
let nextResult: unknown;
const loads: string[] = [];

const stubs: Record<string, HttpHandler> = {
  "stubs/echo.handler": async (event, context) => {
    seen.push({ event, context });
    return { statusCode: 200, body: "ok" };
  },
  "stubs/special.handler": async () => ({ statusCode: 200, body: "special" }),
  "stubs/result.handler": async () => nextResult as APIGatewayProxyResultV2,
  "stubs/boom.handler": async () => {
    throw new Error("database password is hunter2");
  },
  "stubs/slow.handler": () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: "late" }), 1_000)),
};

let gateway: HttpGateway;
const url = (path: string) => `${gateway.url}${path}`;
const lastEvent = () => seen.at(-1)!.event;

beforeAll(async () => {
  gateway = await startHttpGateway({
    host: "127.0.0.1",
    port: 0,
    routes,
    loadHandler: async (ref) => {
      loads.push(ref);
      const handler = stubs[ref];
      if (!handler) throw new Error(`no stub for ${ref}`);
      return handler;
    },
    cors: { allowOrigins: ["http://localhost:3000"], allowHeaders: ["content-type", "authorization"], allowMethods: ["GET", "POST"], maxAgeSeconds: 300 },
    maxBodyBytes: 1024,
    integrationTimeoutMs: 400,
  });
});

afterAll(async () => {
  await gateway.stop();
});

afterEach(() => {
  seen = [];
  vi.restoreAllMocks();
});

/** A GET whose headers go out exactly as given, duplicates as separate lines. */
function rawGet(path: string, headers: http.OutgoingHttpHeaders): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url(path), { headers }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
    request.end();
  });
}

/** Captures what the gateway prints to stderr (errors print even when the local log is silenced). */
function captureStderr(): () => string {
  const lines: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return () => lines.join("");
}

describe("the event (payload format 2.0)", () => {
  it("carries the route key, decoded path parameters, query and request context", async () => {
    const response = await fetch(url("/echo/caf%C3%A9%20mug?size=L&tag=a&tag=b&empty="), { headers: { "user-agent": "vitest" } });
    expect(response.status).toBe(200);
    const event = lastEvent();
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "GET /echo/{id}",
      rawPath: "/echo/caf%C3%A9%20mug",
      rawQueryString: "size=L&tag=a&tag=b&empty=",
      pathParameters: { id: "café mug" },
      queryStringParameters: { size: "L", tag: "a,b", empty: "" },
      isBase64Encoded: false,
      requestContext: {
        accountId: "000000000000",
        routeKey: "GET /echo/{id}",
        stage: "$default",
        http: { method: "GET", path: "/echo/caf%C3%A9%20mug", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      },
    });
    expect(event.body).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(event.requestContext.domainName).toBe(`127.0.0.1:${gateway.port}`);
    expect(response.headers.get("apigw-requestid")).toBe(event.requestContext.requestId);
  });

  it("leaves queryStringParameters, pathParameters and cookies out when there are none", async () => {
    await fetch(url("/files/a/b%2Fc.txt"));
    const event = lastEvent();
    expect(event.routeKey).toBe("GET /files/{path+}");
    expect(event.pathParameters).toEqual({ path: "a/b/c.txt" });
    expect(event).not.toHaveProperty("queryStringParameters");
    expect(event).not.toHaveProperty("cookies");
    expect(event.rawQueryString).toBe("");
  });

  it("prefers a literal segment over a parameter", async () => {
    const response = await fetch(url("/echo/special"));
    expect(await response.text()).toBe("special");
  });

  it("lowercases header names, comma-joins duplicates and moves cookies out of the headers", async () => {
    // fetch merges duplicate headers itself, so send separate header lines with node:http.
    await rawGet("/echo/1", {
      "X-Custom": ["one", "two"],
      Cookie: ["session=abc; theme=dark", "cart=3"],
      Authorization: "Bearer t0k",
    });
    const event = lastEvent();
    expect(event.headers).toMatchObject({ "x-custom": "one,two", authorization: "Bearer t0k", "x-forwarded-proto": "http" });
    expect(event.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(event.headers["x-forwarded-port"]).toBe(String(gateway.port));
    expect(event.headers["x-amzn-trace-id"]).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.headers).not.toHaveProperty("cookie");
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.cookies).toEqual(["session=abc", "theme=dark", "cart=3"]);
  });

  it("passes a text body as is", async () => {
    const body = JSON.stringify({ email: "ada@example.com", note: "naïve ☕" });
    await fetch(url("/echo/1"), { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body });
    expect(lastEvent()).toMatchObject({ body, isBase64Encoded: false });
  });

  it("base64-encodes a binary body", async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 10]);
    await fetch(url("/echo/1"), { method: "POST", headers: { "content-type": "application/octet-stream" }, body: bytes });
    const event = lastEvent();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, "base64")).toEqual(Buffer.from(bytes));
  });

  it("base64-encodes form posts, as HTTP APIs do", async () => {
    await fetch(url("/echo/1"), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1&b=2" });
    const event = lastEvent();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, "base64").toString()).toBe("a=1&b=2");
  });

  it("builds the Lambda context from the route's settings and loads each handler once", async () => {
    await fetch(url("/echo/1"));
    await fetch(url("/echo/2"));
    const [first, second] = seen;
    expect(first!.context.functionName).toBe("stubs-echo");
    expect(first!.context.memoryLimitInMB).toBe("256");
    expect(first!.context.getRemainingTimeInMillis()).toBeLessThanOrEqual(5_000);
    expect(first!.context.awsRequestId).not.toBe(second!.context.awsRequestId);
    expect(loads.filter((ref) => ref === "stubs/echo.handler")).toHaveLength(1);
  });
});

describe("the response", () => {
  it("infers 200 application/json for a string result (the JSON Lambda returns)", async () => {
    nextResult = "hello";
    const response = await fetch(url("/result"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toBe("hello");
  });

  it("infers 200 application/json for an object without statusCode", async () => {
    nextResult = { items: [1, 2], at: new Date("2026-01-02T03:04:05Z") };
    const response = await fetch(url("/result"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ items: [1, 2], at: "2026-01-02T03:04:05.000Z" });
  });

  it("uses statusCode, headers and body of a structured result", async () => {
    nextResult = { statusCode: 201, headers: { "Content-Type": "application/json", "X-Count": 3 }, body: '{"ok":true}' };
    const response = await fetch(url("/result"));
    expect(response.status).toBe(201);
    expect(response.headers.get("x-count")).toBe("3");
    expect(await response.json()).toEqual({ ok: true });
  });

  it("decodes a base64 body", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    nextResult = { statusCode: 200, headers: { "content-type": "image/png" }, body: png.toString("base64"), isBase64Encoded: true };
    const response = await fetch(url("/result"));
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
  });

  it("turns cookies into one Set-Cookie header each", async () => {
    nextResult = { statusCode: 204, cookies: ["a=1; Path=/; HttpOnly", "b=2; Max-Age=60"] };
    const response = await fetch(url("/result"));
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/; HttpOnly", "b=2; Max-Age=60"]);
  });

  it("answers 500 for a malformed result", async () => {
    const stderr = captureStderr();
    nextResult = { statusCode: 200, body: { not: "a string" } };
    const response = await fetch(url("/result"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: "Internal Server Error" });
    expect(stderr()).toMatch(/body must be a string/);
  });
});

describe("errors", () => {
  it("answers 404 for an unknown path", async () => {
    const response = await fetch(url("/nope"));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: "Not Found" });
    expect(response.headers.get("apigw-requestid")).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  });

  it("answers 404 for a known path with another method, and for a trailing slash", async () => {
    expect((await fetch(url("/result"), { method: "POST", body: "x" })).status).toBe(404);
    expect((await fetch(url("/result"), { method: "DELETE" })).status).toBe(404);
    expect((await fetch(url("/result/"))).status).toBe(404);
  });

  it("answers 500 when the handler throws, logging the stack but never sending it", async () => {
    const stderr = captureStderr();
    const response = await fetch(url("/boom"));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ message: "Internal Server Error" });
    expect(text).not.toMatch(/hunter2|at /);
    expect(stderr()).toMatch(/hunter2[\s\S]*at /);
  });

  it("answers 500 when the handler runs past its Lambda timeout, as Lambda reports a function error", async () => {
    const stderr = captureStderr();
    const started = Date.now();
    const response = await fetch(url("/slow"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: "Internal Server Error" });
    expect(Date.now() - started).toBeLessThan(900);
    expect(stderr()).toMatch(/Task timed out after 0\.20 seconds/);
  });

  it("answers 503 when the integration timeout comes first", async () => {
    captureStderr();
    const response = await fetch(url("/slower-than-integration"));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: "Service Unavailable" });
  });

  it("answers 413 for a declared Content-Length over the limit without calling the handler", async () => {
    const response = await fetch(url("/echo/1"), { method: "POST", headers: { "content-type": "text/plain" }, body: "x".repeat(1025) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: "Request Entity Too Large" });
    expect(seen).toHaveLength(0);
  });

  it("answers 413 for a streamed body that grows over the limit", async () => {
    const chunk = new TextEncoder().encode("y".repeat(400));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(url("/echo/1"), { method: "POST", body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(seen).toHaveLength(0);
  });

  it("accepts a body of exactly the limit", async () => {
    const response = await fetch(url("/echo/1"), { method: "POST", headers: { "content-type": "text/plain" }, body: "z".repeat(1024) });
    expect(response.status).toBe(200);
    expect(lastEvent().body).toHaveLength(1024);
  });
});

describe("CORS", () => {
  const origin = "http://localhost:3000";

  it("answers a preflight itself for an allowed origin", async () => {
    const response = await fetch(url("/echo/1"), {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(origin);
    expect(response.headers.get("access-control-allow-methods")).toBe("GET,POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type,authorization");
    expect(response.headers.get("access-control-max-age")).toBe("300");
    expect(seen).toHaveLength(0);
  });

  it("gives no CORS headers to a preflight from another origin", async () => {
    const response = await fetch(url("/echo/1"), { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("adds Access-Control-Allow-Origin and Vary to responses for an allowed origin", async () => {
    nextResult = { statusCode: 200, headers: { vary: "Accept-Encoding", "access-control-allow-origin": "*" }, body: "{}" };
    const response = await fetch(url("/result"), { headers: { origin } });
    expect(response.headers.get("access-control-allow-origin")).toBe(origin);
    expect(response.headers.get("vary")).toBe("Accept-Encoding, Origin");
    const notFound = await fetch(url("/nope"), { headers: { origin } });
    expect(notFound.headers.get("access-control-allow-origin")).toBe(origin);
  });

  it("ignores the integration's own CORS headers for other origins", async () => {
    nextResult = { statusCode: 200, headers: { "access-control-allow-origin": "*" }, body: "{}" };
    const response = await fetch(url("/result"), { headers: { origin: "https://evil.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("routes an OPTIONS request that is not a preflight like any other (404 here)", async () => {
    expect((await fetch(url("/echo/1"), { method: "OPTIONS" })).status).toBe(404);
  });
});

describe("client addresses", () => {
  it("takes sourceIp from the connection, whatever X-Forwarded-For claims (as API Gateway does)", async () => {
    await fetch(url("/echo/1"), { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(lastEvent().requestContext.http.sourceIp).toBe("127.0.0.1");
  });

  it("takes it from the left-most X-Forwarded-For entry only when told to trust it (tests standing for many clients)", async () => {
    const trusting = await startHttpGateway({ host: "127.0.0.1", port: 0, routes, loadHandler: async (ref) => stubs[ref]!, trustForwardedFor: true });
    try {
      const sourceIpFor = async (forwardedFor: string | undefined) => {
        await fetch(`${trusting.url}/echo/1`, forwardedFor === undefined ? {} : { headers: { "x-forwarded-for": forwardedFor } });
        return lastEvent().requestContext.http.sourceIp;
      };
      expect(await sourceIpFor("2001:db8::7, 10.0.0.1")).toBe("2001:db8::7");
      expect(await sourceIpFor("198.18.0.5")).toBe("198.18.0.5");
      expect(await sourceIpFor("not-an-address")).toBe("127.0.0.1");
      expect(await sourceIpFor(undefined)).toBe("127.0.0.1");
    } finally {
      await trusting.stop();
    }
  });
});

describe("helpers", () => {
  it("formats requestContext.time like API Gateway", () => {
    expect(formatRequestTime(Date.UTC(2020, 2, 2, 9, 3, 58))).toBe("02/Mar/2020:09:03:58 +0000");
  });

  it.each([
    ["application/json", true],
    ["application/json; charset=utf-8", true],
    ["application/vnd.api+json", true],
    ["text/html", true],
    ["application/xml", true],
    ["application/octet-stream", false],
    ["application/x-www-form-urlencoded", false],
    ["image/png", false],
    [undefined, false],
  ])("treats %s as text: %s", (contentType, text) => {
    expect(isTextContentType(contentType)).toBe(text);
  });
});
