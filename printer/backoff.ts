import type { BackoffOptions } from '../contract/index.ts'

/**
 * The bridge's retries: full jitter (contract/backoff.ts), so a room of printers does not come
 * back in lockstep. A venue's broker outage lasts seconds (a pod restarted, the Wi-Fi dropped):
 * waiting up to 30 s kept a printer away 43 s after a 6 s outage; 5 s bounds what a printer adds.
 */
export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 5_000 }

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
