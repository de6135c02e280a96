// Backoff without the wait: setTimeout runs its callback at once (on the microtask queue) and
// records the delay it was asked for, so a retry test checks the delays instead of sleeping
// through them. Undone by vi.restoreAllMocks().
import { vi } from "vitest";

export function instantWaits(): number[] {
  const waits: number[] = [];
  vi.spyOn(globalThis, "setTimeout").mockImplementation(((run: () => void, ms: number) => {
    waits.push(ms);
    queueMicrotask(run);
    return 0 as never;
  }) as never);
  return waits;
}
