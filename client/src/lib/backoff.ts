import type { BackoffOptions } from '../../../contract/index.ts'

/**
 * The page's reconnect policy. When the venue's Wi-Fi drops, every phone loses the broker at
 * the same instant: the first attempts spread over `baseMs` (2,000 phones: one every 2 ms), and
 * phones that fail again spread over twice as long, up to `maxMs`. Spread over 2 s instead, the
 * same 2,000 phones were all back only 0.5-1 s sooner, as the broker took longer for each, and
 * the bar display waited behind the storm (BENCHMARKS.md, "The Wi-Fi drop spread over 4 s").
 */
export const reconnectBackoff: BackoffOptions = { baseMs: 4000, maxMs: 30_000 }

/** The page's policy, with another first delay where one is configured (tests use a short one). */
export function reconnectPolicy(baseMs?: number): BackoffOptions {
  return baseMs ? { ...reconnectBackoff, baseMs } : reconnectBackoff
}
