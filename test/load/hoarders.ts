// Scripted hoarders for `npm run load -- --hoarders N`: they try to keep the sale item's stock
// reserved without ever paying, as a bot would, with a fresh email for every order (alternately
// a plus-addressed variant and a new mailbox on a catch-all domain) and every address of one IPv6
// /64, hammering POST /orders until the sale ends.
// They report what they got; how much they could hold is the hold limits' business.
import { createApiClient } from "../support/api-client";

export interface HoardersOptions {
  apiUrl: string;
  productId: string;
  hoarders: number;
  /** Units asked for in each order. */
  quantity: number;
  runId: string;
  /** Pause between a hoarder's attempts (they ignore Retry-After, as a bot would). */
  pauseMs?: number;
}

export interface HoardingResult {
  hoarders: number;
  attempts: number;
  ordersPlaced: number;
  unitsReserved: number;
  /** Refusals by error code, and HOLD_LIMIT_REACHED by which cap (holder/limit). */
  refusals: Record<string, number>;
  /** The /64 every hoarder's address was in. */
  network: string;
  emailDomain: string;
  /** When the first hold-limit refusal came, in ms after the hoarders started (null: never). */
  firstHoldRefusalMs: number | null;
}

export interface Hoarding {
  /** Resolves once the hoarders are refused by a hold limit (or after `timeoutMs`): they have all they can get. */
  saturated(timeoutMs: number): Promise<void>;
  stop(): Promise<HoardingResult>;
}

const NETWORK = "2001:db8:4b1d:7";

export function startHoarders(options: HoardersOptions): Hoarding {
  const api = createApiClient(options.apiUrl.replace(/\/$/, ""));
  const emailDomain = `${options.runId}.hoard.example`;
  const result: HoardingResult = {
    hoarders: options.hoarders,
    attempts: 0,
    ordersPlaced: 0,
    unitsReserved: 0,
    refusals: {},
    network: `${NETWORK}::/64`,
    emailDomain,
    firstHoldRefusalMs: null,
  };
  const started = Date.now();
  let stopped = false;
  let onSaturated: () => void = () => undefined;
  const saturation = new Promise<void>((resolve) => (onSaturated = resolve));
  const count = (kind: string) => (result.refusals[kind] = (result.refusals[kind] ?? 0) + 1);

  const hoarder = async (index: number) => {
    for (let n = 0; !stopped; n++) {
      result.attempts++;
      // A new shopper every time, as far as the email goes; one host, as far as the network goes.
      const email = n % 2 === 0 ? `Bot${index}+${n}@${emailDomain}` : `bot${index}.${n}@${emailDomain}`;
      const address = `${NETWORK}:${((index + 1) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
      try {
        const response = await api.post("/orders", { email, items: [{ productId: options.productId, quantity: options.quantity }] }, { "x-forwarded-for": address });
        if (response.status === 201) {
          result.ordersPlaced++;
          result.unitsReserved += options.quantity;
        } else {
          const code: string = response.body?.error?.code ?? `HTTP ${response.status}`;
          if (code === "HOLD_LIMIT_REACHED") {
            for (const limit of (response.body.error.details?.limits ?? []) as { holder: string; limit: string }[]) count(`${code} ${limit.holder}/${limit.limit}`);
            result.firstHoldRefusalMs ??= Date.now() - started;
            onSaturated();
          } else {
            count(code);
          }
        }
      } catch (error) {
        count(`network: ${error instanceof Error ? error.message : String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 100));
    }
  };
  const running = Promise.all(Array.from({ length: options.hoarders }, (_, index) => hoarder(index)));
  return {
    saturated: (timeoutMs) => Promise.race([saturation, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]),
    async stop() {
      stopped = true;
      await running;
      return result;
    },
  };
}

export interface HoardingReport extends HoardingResult {
  /** The hold limits the stack ran with (ORDER_HOLDS_PER_EMAIL / ORDER_HOLDS_PER_CLIENT). */
  settings: Record<string, string>;
  /** Units of the item the hoarders' orders still held (PENDING_PAYMENT) when the sale ended, from the database. */
  unitsHeldAtEnd: number;
  /** The most one client address may hold of the item (null: no per-client cap). */
  capPerClient: number | null;
  realShoppersConfirmed: number;
  realShoppersSoldOut: number;
  /** The hoarders never held more than one client address may: null when there is no cap to hold to. */
  withinCap: boolean | null;
}

/** Units of the item held by the hoarders' still-pending orders, from the orders read back from the table. */
export function unitsHeldBy(orders: readonly Record<string, unknown>[], emailDomain: string, productId: string): number {
  let units = 0;
  for (const order of orders) {
    if (order.status !== "PENDING_PAYMENT" || !String(order.email).toLowerCase().endsWith(`@${emailDomain.toLowerCase()}`)) continue;
    for (const line of (order.items as { productId: string; quantity: number }[]) ?? []) if (line.productId === productId) units += line.quantity;
  }
  return units;
}

export function formatHoardingReport(report: HoardingReport): string {
  return [
    `Hoarding: ${report.hoarders} scripted hoarders, a fresh email per order (@${report.emailDomain}), every address in ${report.network}`,
    `  hold limits           ORDER_HOLDS_PER_EMAIL=${report.settings.ORDER_HOLDS_PER_EMAIL ?? "off"}  ORDER_HOLDS_PER_CLIENT=${report.settings.ORDER_HOLDS_PER_CLIENT ?? "off"}`,
    `  attempts              ${report.attempts} (${report.ordersPlaced} placed, ${report.attempts - report.ordersPlaced} refused)`,
    `  refusals              ${JSON.stringify(report.refusals)}`,
    `  units held at end     ${report.unitsHeldAtEnd} (most they reserved: ${report.unitsReserved}; cap per client address: ${report.capPerClient ?? "none"})`,
    `  real shoppers         ${report.realShoppersConfirmed} confirmed, ${report.realShoppersSoldOut} sold out`,
    `  within cap            ${report.withinCap === null ? "no cap set" : report.withinCap ? "yes" : "NO"}`,
  ].join("\n");
}
