// The customer sign-in issuer: OpenAuth's `issuer` with our email-code provider, wrapped in a small
// Hono app that closes what OpenAuth leaves open: only the storefront's client id and exact
// callback URL, only the authorization-code flow with PKCE S256 (no implicit tokens in a URL
// fragment, no plain challenges), one pinned origin (the token's `iss` is the request's origin,
// so `localhost` and `127.0.0.1` would mint different issuers), cross-site form posts refused,
// and a strict CSP on every page; one structured log line per request, its path without the query
// (OpenAuth's own plain-text request lines, which carry the OAuth state, are switched off). The same
// app runs in Lambda (sst.aws.Auth) and in the local stack (@hono/node-server).
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context as LambdaContext } from "aws-lambda";
import { issuer } from "@openauthjs/openauth";
import { UnknownStateError } from "@openauthjs/openauth/error";
import type { StorageAdapter } from "@openauthjs/openauth/storage/storage";
import { Hono, type Context } from "hono";
import { principalForVerifiedEmail } from "@shopwave/core/accounts/customer-account";
import type { AccountsStore, SignInLimits } from "@shopwave/core/accounts/sign-in-code";
import { auth } from "@shopwave/infra/topology";
import { invocationLogger, logger as functionsLogger } from "../shared/observability";
import { emailCodeProvider } from "./email-code-provider";
import { ISSUER_STYLESHEET_PATH, issuerStylesheet, problemPage, signInPageHeaders } from "./sign-in-pages";
import { subjects } from "./subjects";

/** Short-lived access tokens (the storefront refreshes silently); a month of refresh. */
export const TOKEN_TTL = { accessSeconds: 15 * 60, refreshSeconds: 30 * 24 * 60 * 60 } as const;

export interface IssuerOptions {
  accounts: AccountsStore;
  /** The storefront's URL: its callback is the one redirect URI allowed. */
  storefrontUrl: string;
  operatorEmails: ReadonlySet<string>;
  sendCode(email: string, code: string): Promise<void>;
  /** OpenAuth's storage; omitted, OpenAuth reads OPENAUTH_STORAGE (how sst.aws.Auth wires its table). */
  storage?: StorageAdapter;
  /** The one origin the issuer answers on (its `iss`); requests for another host are redirected there. */
  issuerUrl?: string;
  limits?: SignInLimits;
  /** Where its request lines go outside Lambda (in Lambda, the invocation's logger); default the functions' logger. */
  log?: Logger;
}

/**
 * OpenAuth's issuer logs every request through hono's logger(), as plain text with the full URL
 * (`/authorize?…&state=…&code_challenge=…`), to the console.log it finds when issuer() runs, and
 * offers no option to turn it off. Built while console.log is a no-op, those lines go nowhere;
 * createIssuerApp logs each request itself (issuer-app.test.ts checks no state, code or token
 * reaches any log).
 */
function withoutRequestLines<T>(build: () => T): T {
  const consoleLog = console.log;
  console.log = () => undefined;
  try {
    return build();
  } finally {
    console.log = consoleLog;
  }
}

/** The origin OpenAuth will write into `iss` for this request (it honours X-Forwarded-*). */
function requestOrigin(c: Context): string {
  const url = new URL(c.req.url);
  const host = c.req.header("x-forwarded-host") ?? url.host;
  const proto = c.req.header("x-forwarded-proto") ?? url.protocol.replace(":", "");
  return `${proto}://${host}`;
}

export function createIssuerApp(options: IssuerOptions): Hono {
  const storefrontUrl = options.storefrontUrl.replace(/\/$/, "");
  const storefrontOrigin = new URL(storefrontUrl).origin;
  const callbackUrl = `${storefrontUrl}${auth.callbackPath}`;
  const pinned = options.issuerUrl ? new URL(options.issuerUrl).origin : undefined;

  const openauth = withoutRequestLines(() => issuer({
    subjects,
    ...(options.storage ? { storage: options.storage } : {}),
    providers: {
      code: emailCodeProvider({ accounts: options.accounts, storefrontUrl, sendCode: options.sendCode, ...(options.limits ? { limits: options.limits } : {}) }),
    },
    ttl: { access: TOKEN_TTL.accessSeconds, refresh: TOKEN_TTL.refreshSeconds },
    // A second line behind the /authorize checks below (OpenAuth's default allows any localhost).
    allow: async (client) => client.clientID === auth.clientId && client.redirectURI === callbackUrl,
    async success(ctx, value) {
      const principal = await principalForVerifiedEmail(options.accounts, value.email, options.operatorEmails);
      return ctx.subject("customer", { customerId: principal.customerId, email: principal.email, roles: [...principal.roles] }, { subject: principal.customerId });
    },
    async error(error) {
      // By class: OpenAuth's errors do not set `name` (it is "Error").
      const message = error instanceof UnknownStateError ? "Your sign-in session has expired. Go back to the shop and choose Sign in again." : "Something went wrong while signing you in.";
      return new Response(problemPage({ storefrontUrl, message }), { status: 400, headers: { "content-type": "text/html; charset=utf-8" } });
    },
  }));

  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const lambdaContext = (c.env as { lambdaContext?: LambdaContext } | undefined)?.lambdaContext;
    const log = lambdaContext ? invocationLogger(lambdaContext) : (options.log ?? functionsLogger);
    // The path only: the query of /authorize carries the OAuth state; codes and tokens travel in bodies.
    const line = { method: c.req.method, path: new URL(c.req.url).pathname, status: c.res.status, durationMs: Math.round(performance.now() - started) };
    if (c.res.status >= 500) log.error("issuer request failed", line);
    else log.info("issuer request", line);
  });

  app.use(async (c, next) => {
    if (pinned && requestOrigin(c) !== pinned) {
      // Only a browser typing the other spelling gets here; send it to the one the tokens name.
      if (c.req.method === "GET") return c.redirect(`${pinned}${new URL(c.req.url).pathname}${new URL(c.req.url).search}`, 308);
      return c.json({ error: "invalid_request", error_description: `Use ${pinned}.` }, 421);
    }
    await next();
    const headers = signInPageHeaders(storefrontOrigin, requestOrigin(c).startsWith("https:"));
    const response = new Response(c.res.body, c.res);
    for (const [name, value] of Object.entries(headers)) if (!response.headers.has(name)) response.headers.set(name, value);
    c.res = response;
  });

  app.get("/favicon.ico", (c) => c.body(null, 204, { "cache-control": "public, max-age=86400" }));
  app.get(ISSUER_STYLESHEET_PATH, (c) => c.body(issuerStylesheet, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" }));

  app.get("/authorize", async (c, next) => {
    const q = new URL(c.req.url).searchParams;
    const problems = [
      q.get("client_id") !== auth.clientId && "unknown client",
      q.get("redirect_uri") !== callbackUrl && "redirect URI not allowed",
      q.get("response_type") !== "code" && "only response_type=code",
      (q.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43,128}$/.test(q.get("code_challenge") ?? "")) && "PKCE with S256 is required",
      !/^[A-Za-z0-9_-]{16,128}$/.test(q.get("state") ?? "") && "a state is required",
      q.get("provider") !== null && q.get("provider") !== "code" && "unknown provider",
    ].filter(Boolean);
    // Refused here, not by OpenAuth: its error path redirects to whatever redirect_uri was asked for.
    if (problems.length > 0) return c.html(problemPage({ storefrontUrl, message: `This sign-in link is not valid (${problems.join(", ")}).` }), 400);
    await next();
  });

  app.post("*", async (c, next) => {
    // Forms post only from the issuer's own pages; the token endpoint is called server to server.
    // A browser says where a request comes from in Sec-Fetch-Site (and Origin); other clients
    // send neither, and gain nothing from a cross-site request anyway (no victim's cookies).
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const crossSite = site !== undefined ? site !== "same-origin" : origin !== undefined && origin !== requestOrigin(c);
    if (crossSite && new URL(c.req.url).pathname !== "/token") {
      return c.html(problemPage({ storefrontUrl, message: "This form was sent from another site." }), 403);
    }
    await next();
  });

  app.route("/", openauth);
  return app;
}
