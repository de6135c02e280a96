// How long an order's stock stays reserved while the shopper pays: the Checkout Session expires
// with it. Its own module so that reading the setting does not pull order creation into every
// handler bundle.

/**
 * How long stock stays reserved while the shopper pays; the Checkout Session expires with it.
 * Stripe accepts a session expiry 30 minutes to 24 hours after *its* receipt of the request, so
 * an expiry of exactly now + 30 min from our clock is refused whenever the request takes a
 * moment or the clocks differ. Five minutes of margin at each end absorbs latency, the SDK's
 * retries and clock skew.
 */
export const RESERVATION_MINUTES = { min: 35, max: 1435, default: 35 } as const;

/** Reads ORDER_RESERVATION_MINUTES-style configuration, failing loudly (at cold start) when it is out of range. */
export function reservationMinutesFrom(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return RESERVATION_MINUTES.default;
  const minutes = Number(raw);
  if (!Number.isInteger(minutes) || minutes < RESERVATION_MINUTES.min || minutes > RESERVATION_MINUTES.max) {
    throw new Error(
      `ORDER_RESERVATION_MINUTES=${raw} is not allowed: use a whole number from ${RESERVATION_MINUTES.min} to ${RESERVATION_MINUTES.max} ` +
        "(Stripe accepts Checkout Session expiries 30 minutes to 24 hours ahead; the margin absorbs latency and clock skew).",
    );
  }
  return minutes;
}
