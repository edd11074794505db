/**
 * Seconds before a pool connection tries again after a failed attempt: full jitter, doubling from
 * 50 ms up to `maxReconnectDelaySeconds`. postgres.js' default grows to 20 s, and a request waiting
 * for a connection waits for that attempt: while Postgres restarted, a guest's order took up to
 * 20 s to get its 503, and a pool took as long to notice that Postgres was back. Shared by the
 * functions' pools and the broker's.
 */
export const maxReconnectDelaySeconds = 1

export function reconnectDelaySeconds(retries: number, random = Math.random): number {
  return random() * Math.min(maxReconnectDelaySeconds, 0.05 * 2 ** Math.min(retries, 10))
}
