export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  minMs: number
  /** Upper bound of any delay, in ms. */
  maxMs: number
}

/**
 * A venue's broker outage lasts seconds (a pod restarted, the Wi-Fi dropped): waiting up to 30 s
 * kept a printer away 43 s after a 6 s outage. 5 s bounds what a printer adds to an outage.
 */
export const defaultBackoff: BackoffOptions = { minMs: 500, maxMs: 5_000 }

/**
 * The delay before retry number `attempt` (1, 2, …): exponential, capped, with jitter between
 * half and the full value, so a room of printers that lost the broker together does not come
 * back in lockstep.
 */
export function backoffDelay(attempt: number, { minMs, maxMs }: BackoffOptions, random = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

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
