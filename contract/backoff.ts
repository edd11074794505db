/**
 * How every client of the broker comes back after losing it (the page, the printer bridge, the
 * broker's own LISTEN connections): exponential backoff with full jitter.
 */
export interface BackoffOptions {
  /** Upper bound of the first delay, in ms; it doubles per failed attempt. */
  baseMs: number
  /** Upper bound of any delay, in ms. */
  maxMs: number
}

/**
 * The delay in ms before attempt number `attempt` (1, 2, …): uniform between 0 and
 * min(maxMs, baseMs × 2^(attempt − 1)) ("full jitter"), so that clients that failed together do
 * not retry together.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffOptions, random = Math.random): number {
  // The exponent is capped so that a long outage cannot overflow to Infinity × 0.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)))
  return Math.round(random() * ceiling)
}
