/** Exponential backoff with full jitter: how long to wait before the next attempt. */
export interface BackoffPolicy {
  /** Upper bound of the first delay, in ms; it doubles per failed attempt. */
  baseMs: number
  /** Upper bound of any delay, in ms. */
  capMs: number
}

/**
 * The page's reconnect policy. When the venue's Wi-Fi drops, every phone loses the broker at
 * the same instant: the first attempts spread over `baseMs` (2,000 phones: about one a
 * millisecond), and phones that fail again spread over twice as long, up to `capMs`.
 */
export const reconnectBackoff: BackoffPolicy = { baseMs: 2000, capMs: 30_000 }

/**
 * The delay before attempt number `attempt` (1, 2, …): uniform between 0 and
 * min(capMs, baseMs × 2^(attempt − 1)) ("full jitter"), so clients that failed together do not
 * retry together.
 */
export function backoffDelay(attempt: number, { baseMs, capMs }: BackoffPolicy, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)))
  return Math.round(random() * ceiling)
}

/** The page's policy, with another first delay where one is configured (tests use a short one). */
export function reconnectPolicy(baseMs?: number): BackoffPolicy {
  return baseMs ? { ...reconnectBackoff, baseMs } : reconnectBackoff
}
