// Every setting a handler reads from its environment, parsed and validated once per container
// with an error that names the variable and what it accepts. Handlers read their settings at
// module load, so a misconfigured stage fails its first invocation loudly (cold start) instead of
// misbehaving later. Which function receives which setting on AWS is declared in infra/topology.ts.
import * as z from "zod";
import { reservationMinutesFrom } from "@shopwave/core/orders/reservation-window";
import { holdLimitsFrom, type HoldLimits } from "@shopwave/core/orders/reservation-holds";
import { normalizeEmail } from "@shopwave/core/accounts/principal";
import { parseRateLimit, type RateLimit } from "@shopwave/core/shared/rate-limit";
import type { FunctionSetting } from "@shopwave/infra/topology";

type Env = Readonly<Record<string, string | undefined>>;

/** Local-stack and test knobs that no deployed function receives. */
type LocalSetting = "STRIPE_API_BASE_URL" | "STRIPE_TIMEOUT_MS";

function parsed<T>(name: FunctionSetting | LocalSetting, env: Env, schema: z.ZodType<T>, accepts: string): T {
  const raw = env[name];
  const result = schema.safeParse(raw === "" ? undefined : raw);
  if (!result.success) throw new Error(`${name}=${raw} is not valid: use ${accepts}.`);
  return result.data;
}

const httpUrl = z.url({ protocol: /^https?$/ });
const integerText = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export function readSettings(env: Env = process.env) {
  return {
    /** Where Checkout sends the shopper back; no trailing slash. */
    storefrontUrl: () => parsed("STOREFRONT_URL", env, httpUrl.default("http://localhost:3000"), "an http(s) URL").replace(/\/$/, ""),
    reservationMinutes: (): number => reservationMinutesFrom(env.ORDER_RESERVATION_MINUTES),
    /** Orders per client address, e.g. "10/60s"; undefined when off. */
    orderRateLimit: (): RateLimit | undefined => parseRateLimit(env.ORDER_RATE_LIMIT, "ORDER_RATE_LIMIT"),
    holdLimits: (): HoldLimits => holdLimitsFrom(env),
    /** Stripe sends `checkout.session.expired` shortly after expiry; the sweeper gives it this long first. */
    sweepGraceSeconds: () => parsed("SWEEP_GRACE_SECONDS", env, integerText(0, 86_400).default(300), "whole seconds from 0 to 86400"),
    /** Another host speaking Stripe's API (the local simulator); unset on AWS. */
    stripeApiBaseUrl: () => parsed("STRIPE_API_BASE_URL", env, httpUrl.optional(), "an http(s) URL, or nothing for Stripe itself"),
    /** The customer sign-in issuer's URL, exactly as it writes `iss` (the token check pins it). */
    authIssuerUrl: () => parsed("AUTH_ISSUER_URL", env, httpUrl, "the issuer's http(s) URL").replace(/\/$/, ""),
    /** Emails whose tokens carry the "operator" role (comma-separated; compared normalized). */
    operatorEmails: (): ReadonlySet<string> =>
      new Set(
        (env.OPERATOR_EMAILS ?? "")
          .split(",")
          .map(normalizeEmail)
          .filter((email) => email !== ""),
      ),
    stripeTimeoutMs: () => parsed("STRIPE_TIMEOUT_MS", env, integerText(100, 60_000).optional(), "milliseconds from 100 to 60000"),
  };
}

/** The settings of this container's environment (each read when a handler module asks for it). */
export const settings = readSettings();
