// The sign-in flow's URLs when the storefront's server sees another origin than the shop's (behind
// CloudFront it may see its function's own host): the redirect URI sent to the issuer, the one in
// the code exchange and the page after the callback are on STOREFRONT_URL, the origin the issuer
// allows; only without that setting (a hand-started `next dev`) is the request's origin used. The
// issuer is a loopback server that records the code exchange.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest, NextResponse } from "next/server";

// Next resolves "server-only" itself when it builds; here the module only marks the file.
vi.mock("server-only", () => ({}));
const { afterSignInUrl, beginSignIn, completeSignIn, isSameOrigin } = await import("./auth-session");

const PUBLIC = "https://shop.example.com";
const SEEN = "https://abc123.lambda-url.us-east-1.on.aws";

let issuer: Server;
let issuerUrl: string;
const exchanges: URLSearchParams[] = [];

beforeAll(async () => {
  issuer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      exchanges.push(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: "a.b.c", refresh_token: "r", expires_in: 900 }));
    });
  });
  await new Promise<void>((resolve) => issuer.listen(0, "127.0.0.1", resolve));
  issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
});
beforeEach(() => vi.stubEnv("AUTH_ISSUER_URL", issuerUrl));
afterEach(() => vi.unstubAllEnvs());
afterAll(() => new Promise<void>((resolve) => issuer.close(() => resolve())));

/** Starts sign-in on `url`, then comes back to the callback with the state and the flow cookie it set. */
async function roundTrip(url: string) {
  const start = new NextResponse(null, { status: 303 });
  const authorize = beginSignIn(new NextRequest(url), start, "/orders/1");
  const flow = start.cookies.get("sw_signin")!.value;
  const callback = new NextRequest(`${new URL(url).origin}/auth/callback?code=the-code&state=${authorize.searchParams.get("state")}`, {
    headers: { cookie: `sw_signin=${encodeURIComponent(flow)}` },
  });
  const returnTo = await completeSignIn(callback, new NextResponse(null, { status: 303 }));
  return { authorize, returnTo, callback };
}

describe("the sign-in URLs", () => {
  it("are on STOREFRONT_URL, whatever origin the request shows", async () => {
    vi.stubEnv("STOREFRONT_URL", `${PUBLIC}/`);
    const { authorize, returnTo, callback } = await roundTrip(`${SEEN}/auth/sign-in`);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${PUBLIC}/auth/callback`);
    expect(returnTo).toBe("/orders/1");
    expect(exchanges.at(-1)!.get("redirect_uri")).toBe(`${PUBLIC}/auth/callback`);
    expect(afterSignInUrl(callback, returnTo!).toString()).toBe(`${PUBLIC}/orders/1`);
  });

  it("fall back to the request's origin without STOREFRONT_URL", async () => {
    vi.stubEnv("STOREFRONT_URL", "");
    const { authorize, callback } = await roundTrip("http://localhost:3000/auth/sign-in");
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://localhost:3000/auth/callback");
    expect(exchanges.at(-1)!.get("redirect_uri")).toBe("http://localhost:3000/auth/callback");
    expect(afterSignInUrl(callback, "//evil.example/x").toString()).toBe("http://localhost:3000/account");
  });

  it("take a form post from the shop's public origin as same-origin, and refuse other sites", () => {
    vi.stubEnv("STOREFRONT_URL", PUBLIC);
    const post = (origin: string) => new NextRequest(`${SEEN}/auth/sign-out`, { method: "POST", headers: { origin } });
    expect(isSameOrigin(post(PUBLIC))).toBe(true);
    expect(isSameOrigin(post("https://evil.example"))).toBe(false);
  });
});
