// Faults on demand for reliability tests: an error answer, a slow answer (the client's timeout
// fires), or a dropped connection before the request is processed or after (the response is
// lost though the request took effect), each for matching requests, a number of times or always.
import type { StripeErrorType } from "./stripe-api-error";

export type StripeFault = {
  /** e.g. "POST"; any method when absent. */
  method?: string;
  /** A path prefix such as "/v1/checkout/sessions"; any path when absent. */
  path?: string;
  /** How many matching requests it affects; every one when absent. */
  times?: number;
} & (
  | { kind: "error"; status: number; type?: StripeErrorType; message?: string }
  /** Answers normally, but only after this long (lets the client's timeout fire). */
  | { kind: "delay"; delayMs: number }
  /** Resets the connection: before the request is processed, or after (the response is lost). */
  | { kind: "drop"; when: "before" | "after" }
);

export class StripeFaults {
  private faults: (StripeFault & { remaining: number })[] = [];

  inject(fault: StripeFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault matching this request, counted as used. */
  take(method: string, path: string): StripeFault | undefined {
    const fault = this.faults.find((f) => (!f.method || f.method === method) && (!f.path || path.startsWith(f.path)) && f.remaining > 0);
    if (fault) fault.remaining--;
    return fault;
  }
}
