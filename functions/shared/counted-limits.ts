import type { Context, MiddlewareHandler } from 'hono'
import { Refusal } from './errors.ts'
import type { RateLimiter } from './rate-limit.ts'

export interface CountedLimits {
  /** Runs the request, then gives back every place it took unless its response counts. */
  middleware: MiddlewareHandler
  /** Takes a place for `key`, or refuses with 429, Retry-After and "too many `what`". */
  take(c: Context, limiter: RateLimiter, key: string, what: string): void
}

/**
 * Rate limits that count what they limit. A request takes its places while it runs, so parallel
 * requests cannot slip past a limit together; when its response is not one that `counts` (a
 * refusal of any kind, a retry answered from storage), the places are given back. One phone
 * sending junk behind a venue's shared address then costs the other guests nothing.
 */
export function countedLimits(counts: (status: number) => boolean): CountedLimits {
  const taken = new WeakMap<Context, (() => void)[]>()
  return {
    middleware: async (c, next) => {
      const refunds: (() => void)[] = []
      taken.set(c, refunds)
      let answered = false
      try {
        await next()
        answered = true
      } finally {
        // The error handler has turned a thrown refusal into `c.res` by now.
        if (!answered || !counts(c.res.status)) for (const refund of refunds) refund()
      }
    },
    take(c, limiter, key, what) {
      const verdict = limiter.take(key)
      if (!verdict.ok) {
        c.header('retry-after', String(verdict.retryAfter))
        throw new Refusal(429, 'rate_limited', `too many ${what}; try again in ${verdict.retryAfter} s`)
      }
      const refunds = taken.get(c)
      if (!refunds) {
        verdict.refund()
        throw new Error('countedLimits: take() runs only behind its middleware')
      }
      refunds.push(verdict.refund)
    },
  }
}
