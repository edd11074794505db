import { type BackoffOptions, backoffDelay } from '../contract/backoff.ts'

/**
 * How a pool connection tries again after a failed attempt: full jitter, doubling from 50 ms up
 * to 1 s. postgres.js' default grows to 20 s, and a request waiting for a connection waits for
 * that attempt: while Postgres restarted, a guest's order took up to 20 s to get its 503, and a
 * pool took as long to notice that Postgres was back. Shared by the functions' pools and the broker's.
 */
export const reconnectBackoff: BackoffOptions = { baseMs: 50, maxMs: 1000 }

/** postgres.js' `backoff`: seconds before the next attempt, `retries` failed attempts so far (0 after a clean close). */
export function reconnectDelaySeconds(retries: number, random = Math.random): number {
  return backoffDelay(retries + 1, reconnectBackoff, random) / 1000
}
