// Runs a flash sale against an API: N shoppers arrive (all at once, at a fixed rate, or on a
// linear ramp), at most C of them are in flight, and each runs the shopper journey. Returns what
// the shoppers saw and every timed step; the database-side verdict is read separately (verdict.ts).
import { performance } from "node:perf_hooks";
import { seedProducts } from "@shopwave/local/stack/seed-catalog";
import { createApiClient } from "../support/api-client";
import type { StepSample } from "./latency-summary";
import { runShopper, type ShopperOutcome, type ShopperResult, type ShopperStep } from "./shopper";

export type Arrival =
  /** Everyone at the opening second, as a flash sale starts. */
  | { kind: "burst" }
  /** A steady stream: `perSecond` shoppers arrive each second. */
  | { kind: "rate"; perSecond: number }
  /** A ramp: the arrival rate grows linearly from 0 so that all shoppers have arrived after `seconds`. */
  | { kind: "ramp"; seconds: number };

export interface FlashSaleOptions {
  apiUrl: string;
  /** Where shoppers read the catalog (the CDN in front of the API); apiUrl when absent. */
  catalogUrl?: string;
  productId: string;
  shoppers: number;
  concurrency: number;
  arrival: Arrival;
  cardNumber?: string;
  pollMs?: number;
  settleTimeoutMs?: number;
  /** false: shoppers wait for the webhook only, never settling their order from the success redirect (default true). */
  fulfilOnReturn?: boolean;
  /** Tags shopper emails so a run's orders can be told apart in the table. */
  runId: string;
  /** The client address shopper `index` orders from (X-Forwarded-For), for a stack that trusts it. */
  clientAddressOf?: (index: number) => string;
  onProgress?: (progress: FlashSaleProgress) => void;
}

export interface FlashSaleProgress {
  done: number;
  inFlight: number;
  outcomes: Record<ShopperOutcome, number>;
  /** Unexpected answers so far, including ones a shopper recovered from. */
  errors: number;
  elapsedMs: number;
}

export interface FlashSaleRun {
  startedAt: Date;
  wallMs: number;
  results: ShopperResult[];
  samples: StepSample<ShopperStep>[];
  errorsByKind: Record<string, number>;
}

/** When shopper `index` (0-based) of `total` arrives, in ms after the start. */
export function arrivalTimeMs(arrival: Arrival, index: number, total: number): number {
  switch (arrival.kind) {
    case "burst":
      return 0;
    case "rate":
      return (index / arrival.perSecond) * 1000;
    case "ramp":
      // Cumulative arrivals grow as (t/T)², i.e. a linearly rising rate.
      return arrival.seconds * 1000 * Math.sqrt(index / total);
  }
}

/** A well-stocked product of the seed catalog other than the sale item, for the warm-up purchase. */
export function warmUpProductId(saleProductId: string): string {
  const product = seedProducts.find((p) => p.id !== saleProductId && p.stock >= 50);
  if (!product) throw new Error("The seed catalog has no well-stocked product to warm up with.");
  return product.id;
}

/**
 * One whole purchase of another product before the doors open, so the sale does not start on
 * handlers that have never run (a local stack loads and compiles each handler on first use).
 */
export async function warmUp(apiUrl: string, productId: string): Promise<void> {
  const api = createApiClient(apiUrl.replace(/\/$/, ""));
  const t0 = performance.now();
  const errors: string[] = [];
  const result = await runShopper({
    api,
    productId,
    email: "warm-up@load.example",
    cardNumber: "4242 4242 4242 4242",
    pollMs: 100,
    settleTimeoutMs: 30_000,
    maxUnavailableRetries: 3,
    clock: () => performance.now() - t0,
    record: () => undefined,
    onError: (kind) => errors.push(kind),
  });
  if (result.outcome !== "confirmed") throw new Error(`The warm-up purchase ended ${result.outcome}: ${errors.join("; ") || "no error reported"}`);
}

export async function runFlashSale(options: FlashSaleOptions): Promise<FlashSaleRun> {
  const api = createApiClient(options.apiUrl.replace(/\/$/, ""));
  const catalog = options.catalogUrl ? createApiClient(options.catalogUrl.replace(/\/$/, "")) : api;
  const startedAt = new Date();
  const t0 = performance.now();
  const clock = () => performance.now() - t0;
  const samples: StepSample<ShopperStep>[] = [];
  const errorsByKind: Record<string, number> = {};
  const outcomes: Record<ShopperOutcome, number> = { confirmed: 0, cancelled: 0, sold_out: 0, declined: 0, unsettled: 0, error: 0 };
  const results: ShopperResult[] = new Array(options.shoppers);
  let done = 0;
  let inFlight = 0;
  let errors = 0;
  const report = () => options.onProgress?.({ done, inFlight, outcomes: { ...outcomes }, errors, elapsedMs: clock() });
  const ticker = options.onProgress ? setInterval(report, 250) : undefined;

  // At most `concurrency` shoppers in flight: arrivals beyond that wait their turn, like a
  // queue in front of the store.
  const waiting: (() => void)[] = [];
  const acquire = () => (inFlight < options.concurrency ? (inFlight++, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };

  const shopper = async (index: number) => {
    const arriveAt = arrivalTimeMs(options.arrival, index, options.shoppers);
    const wait = arriveAt - clock();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await acquire();
    try {
      results[index] = await runShopper({
        api,
        catalog,
        productId: options.productId,
        email: `shopper-${index}@${options.runId}.load.example`,
        ...(options.clientAddressOf ? { clientAddress: options.clientAddressOf(index) } : {}),
        cardNumber: options.cardNumber ?? "4242 4242 4242 4242",
        pollMs: options.pollMs ?? 1000,
        settleTimeoutMs: options.settleTimeoutMs ?? 60_000,
        fulfilOnReturn: options.fulfilOnReturn ?? true,
        maxUnavailableRetries: 3,
        clock,
        record: (sample) => samples.push(sample),
        onError: (kind) => {
          errors++;
          errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
        },
      });
    } finally {
      release();
    }
    outcomes[results[index]!.outcome]++;
    done++;
  };

  try {
    await Promise.all(Array.from({ length: options.shoppers }, (_, index) => shopper(index)));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  report();
  return { startedAt, wallMs: clock(), results, samples, errorsByKind };
}
