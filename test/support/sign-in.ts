// Signs a customer in through the running issuer over HTTP, as a browser and the storefront's
// server would: /authorize with PKCE, the email form, the code read from the local inbox, the
// code form, then the server-side code exchange. Returns the tokens (and the cookie jar's
// requester, for tests that continue at the issuer).
import { randomBytes } from "node:crypto";
import { auth } from "@shopwave/infra/topology";
import { cookieJar, pkcePair } from "./cookie-jar";

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface IssuerBrowser {
  (path: string, init?: { form?: Record<string, string>; headers?: Record<string, string> }): Promise<Response>;
}

/** A cookie-keeping client of the issuer that does not follow redirects. */
export function issuerBrowser(issuerUrl: string): IssuerBrowser {
  const jar = cookieJar();
  return async (path, init = {}) => {
    const headers = new Headers(init.headers);
    const cookies = jar.header();
    if (cookies) headers.set("cookie", cookies);
    if (init.form) headers.set("content-type", "application/x-www-form-urlencoded");
    const response = await fetch(new URL(path, issuerUrl), {
      method: init.form ? "POST" : "GET",
      headers,
      redirect: "manual",
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    jar.keep(response.headers.getSetCookie());
    return response;
  };
}

export async function signInThroughIssuer(options: {
  issuerUrl: string;
  storefrontUrl: string;
  email: string;
  /** The code mailed for `email` after `sentAfter` (read from the local inbox). */
  readCode: (email: string, sentAfter: number) => Promise<string>;
}): Promise<IssuedTokens> {
  const go = issuerBrowser(options.issuerUrl);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(18).toString("base64url");
  const redirectUri = `${options.storefrontUrl}${auth.callbackPath}`;
  const query = new URLSearchParams({
    client_id: auth.clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const start = await go(`/authorize?${query.toString()}`);
  if (start.status !== 302) throw new Error(`/authorize answered ${start.status}: ${await start.text()}`);
  await go(start.headers.get("location")!);
  const sentAfter = Date.now() / 1000 - 1;
  const requested = await go("/code/authorize", { form: { action: "request", email: options.email } });
  if (requested.status !== 200) throw new Error(`requesting a code answered ${requested.status}`);
  const code = await options.readCode(options.email, sentAfter);
  const verified = await go("/code/authorize", { form: { action: "verify", code } });
  if (verified.status !== 302) throw new Error(`verifying the code answered ${verified.status}: ${await verified.text()}`);
  const callback = new URL(verified.headers.get("location")!);
  if (callback.searchParams.get("state") !== state) throw new Error("the issuer returned another state");
  const exchanged = await go("/token", {
    form: { grant_type: "authorization_code", code: callback.searchParams.get("code")!, redirect_uri: redirectUri, client_id: auth.clientId, code_verifier: verifier },
  });
  if (exchanged.status !== 200) throw new Error(`/token answered ${exchanged.status}: ${await exchanged.text()}`);
  return (await exchanged.json()) as IssuedTokens;
}

/** The 6-digit code in a sign-in email's subject ("123456 is your Shopwave sign-in code"). */
export function codeFromSubject(subject: string): string {
  const code = /^(\d{6}) is your Shopwave sign-in code$/.exec(subject)?.[1];
  if (!code) throw new Error(`not a sign-in code email: ${subject}`);
  return code;
}
