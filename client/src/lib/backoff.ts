import type { BackoffOptions } from '../../../contract/index.ts'

/**
 * The page's reconnect policy. When the venue's Wi-Fi drops, every phone loses the broker at
 * the same instant: the first attempts spread over `baseMs` (2,000 phones: about one a
 * millisecond), and phones that fail again spread over twice as long, up to `maxMs`.
 */
export const reconnectBackoff: BackoffOptions = { baseMs: 2000, maxMs: 30_000 }

/** The page's policy, with another first delay where one is configured (tests use a short one). */
export function reconnectPolicy(baseMs?: number): BackoffOptions {
  return baseMs ? { ...reconnectBackoff, baseMs } : reconnectBackoff
}
