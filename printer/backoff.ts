import type { BackoffOptions } from '../contract/index.ts'

// Re-exported for the printer drill (bench/drill-printer.ts), which retries as the bridge does.
export { type BackoffOptions, backoffDelay } from '../contract/index.ts'

/** The bridge's retries: full jitter (contract/backoff.ts), so a room of printers does not come back in lockstep. */
export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000 }

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
