// An OpenAuth provider for passwordless sign-in by emailed code, replacing OpenAuth's CodeProvider
// (which keeps the code itself in the browser's encrypted cookie, with no expiry of its own, no
// limit on guesses and replayable). Here the browser's encrypted state holds only which email is
// signing in; the code lives server-side (core's sign-in-code.ts): hashed, expiring, single-use,
// attempts limited, requests and guesses rate-limited per email and per client address.
import type { Context } from "hono";
import type { Provider } from "@openauthjs/openauth/provider/provider";
import * as z from "zod";
import { RateLimited } from "@shopwave/core/shared/domain-error";
import { issueSignInCode, verifySignInCode, type AccountsStore, type SignInLimits } from "@shopwave/core/accounts/sign-in-code";
import { clientHolder } from "@shopwave/core/orders/reservation-holds";
import { codePage, emailPage, problemPage } from "./sign-in-pages";

type State = { step: "email" } | { step: "code"; email: string };

export interface EmailCodeProviderOptions {
  accounts: AccountsStore;
  storefrontUrl: string;
  sendCode(email: string, code: string): Promise<void>;
  limits?: SignInLimits;
}

const Email = z.email().max(254);
const Code = z.string().trim().regex(/^\d{6}$/);
const STATE_SECONDS = 15 * 60;

/** The caller's address as API Gateway / Lambda URLs report it, or the socket's locally. */
export function clientAddressOf(c: Context): string {
  const env = c.env as { event?: { requestContext?: { http?: { sourceIp?: string } } }; incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const address = env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? "unknown";
  // An IPv6 client counts by its /64, as the order holds do, or it could rotate addresses.
  return clientHolder(address) ?? address;
}

function html(c: Context, body: string, status = 200): Response {
  return c.html(body, status as 200);
}

export function emailCodeProvider(options: EmailCodeProviderOptions): Provider<{ email: string }> {
  const storefrontUrl = options.storefrontUrl;
  return {
    type: "code",
    init(routes, ctx) {
      routes.get("/authorize", async (c) => {
        await ctx.set<State>(c, "provider", STATE_SECONDS, { step: "email" });
        return html(c, emailPage({ storefrontUrl }));
      });

      routes.post("/authorize", async (c) => {
        const form = await c.req.formData();
        const action = form.get("action")?.toString();
        const state = await ctx.get<State | undefined>(c, "provider");
        if (!state) return html(c, problemPage({ storefrontUrl, message: "Your sign-in session has expired. Go back to the shop and choose Sign in again." }), 400);
        const clientAddress = clientAddressOf(c);

        const sendNewCode = async (email: string, resent: boolean) => {
          try {
            const issued = await issueSignInCode(options.accounts, { email, clientAddress }, options.limits);
            await options.sendCode(issued.email, issued.code);
            await ctx.set<State>(c, "provider", STATE_SECONDS, { step: "code", email: issued.email });
            return html(c, codePage({ storefrontUrl, email: issued.email, resent }));
          } catch (error) {
            if (!(error instanceof RateLimited)) throw error;
            const page = state.step === "code" ? codePage({ storefrontUrl, email: state.email, error: tooMany(error) }) : emailPage({ storefrontUrl, email, error: tooMany(error) });
            return c.html(page, 429, { "retry-after": String(error.retryAfterSeconds) });
          }
        };

        if (action === "request") {
          const email = Email.safeParse(form.get("email")?.toString().trim());
          if (!email.success) return html(c, emailPage({ storefrontUrl, email: form.get("email")?.toString() ?? "", error: "Enter an email address like name@example.com." }), 400);
          return sendNewCode(email.data, false);
        }
        if (action === "restart") {
          await ctx.set<State>(c, "provider", STATE_SECONDS, { step: "email" });
          return html(c, emailPage({ storefrontUrl }));
        }
        if (state.step !== "code") return html(c, emailPage({ storefrontUrl }), 400);
        if (action === "resend") return sendNewCode(state.email, true);
        if (action === "verify") {
          const code = Code.safeParse(form.get("code")?.toString() ?? "");
          if (!code.success) return html(c, codePage({ storefrontUrl, email: state.email, error: "Enter the 6 digits from the email." }), 400);
          let check;
          try {
            check = await verifySignInCode(options.accounts, { email: state.email, code: code.data, clientAddress }, options.limits);
          } catch (error) {
            if (!(error instanceof RateLimited)) throw error;
            return c.html(codePage({ storefrontUrl, email: state.email, error: tooMany(error) }), 429, { "retry-after": String(error.retryAfterSeconds) });
          }
          if (!check.ok) {
            const message =
              check.reason === "wrong_code"
                ? "That code is not right. Check the latest email and try again."
                : check.reason === "too_many_attempts"
                  ? "Too many wrong codes. Send a new code and use that one."
                  : "That code has expired or was already used. Send a new code.";
            return html(c, codePage({ storefrontUrl, email: state.email, error: message }), 400);
          }
          await ctx.unset(c, "provider");
          return ctx.forward(c, await ctx.success(c, { email: check.email }));
        }
        return html(c, emailPage({ storefrontUrl }), 400);
      });
    },
  };
}

function tooMany(error: RateLimited): string {
  const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
