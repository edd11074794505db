/**
 * Whether one more request fits. A request that fits took a place; `refund` gives it back (once)
 * when the request turns out not to be what the limit counts. `retryAfter` (seconds) says when
 * a refused request would fit.
 */
export type Verdict = { ok: true; refund: () => void } | { ok: false; retryAfter: number }

/** How many requests a key may make per window. */
export interface RateLimit {
  limit: number
  windowMs: number
}

export type RateLimiter = ReturnType<typeof createRateLimiter>

/**
 * Counts requests per key in a sliding window (the current fixed window plus the weighted
 * previous one), in memory. Each pod counts for itself: with N pods a key gets up to N times
 * the limit, which is acceptable for its purpose, keeping one guest or one address from
 * flooding the bar.
 */
export function createRateLimiter({ limit, windowMs }: RateLimit, now: () => number = Date.now) {
  let windowStart = Math.floor(now() / windowMs) * windowMs
  let current = new Map<string, number>()
  let previous = new Map<string, number>()

  const roll = (at: number) => {
    const start = Math.floor(at / windowMs) * windowMs
    if (start === windowStart) return
    // Keys idle for two windows are dropped here, so memory stays bounded by active keys.
    previous = start - windowStart === windowMs ? current : new Map()
    current = new Map()
    windowStart = start
  }

  const refund = (key: string, takenIn: number) => {
    roll(now())
    // A place taken in a window that has since rolled over is given back where it now counts.
    const counts = takenIn === windowStart ? current : takenIn === windowStart - windowMs ? previous : null
    const count = counts?.get(key) ?? 0
    if (count > 1) counts?.set(key, count - 1)
    else counts?.delete(key)
  }

  return {
    /** Counts one request; `retryAfter` (seconds) is set when it is over the limit. */
    take(key: string): Verdict {
      const at = now()
      roll(at)
      const elapsed = (at - windowStart) / windowMs
      const used = (previous.get(key) ?? 0) * (1 - elapsed) + (current.get(key) ?? 0)
      if (used + 1 > limit) {
        return { ok: false, retryAfter: Math.max(1, Math.ceil(((1 - elapsed) * windowMs) / 1000)) }
      }
      current.set(key, (current.get(key) ?? 0) + 1)
      const takenIn = windowStart
      let refunded = false
      return {
        ok: true,
        refund: () => {
          if (refunded) return
          refunded = true
          refund(key, takenIn)
        },
      }
    },
  }
}
