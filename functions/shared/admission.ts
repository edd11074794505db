import type { Context } from 'hono'
import type { Sql } from 'postgres'
import { watchLoopLag } from '../../runtime/loop-lag.ts'
import { Refusal } from './errors.ts'
import type { Publisher } from './publisher.ts'

/** When a function refuses new orders rather than acknowledge ones the bar would see late. */
export interface OverloadLimits {
  /**
   * With the broker away, orders wait in the outbox; past this many messages (four an order)
   * new orders are refused. Default 20,000: minutes of a busy bar, far below what Postgres holds.
   */
  maxOutboxBacklog: number
  /** The `Retry-After` of a refusal, in seconds. Default 1. */
  retryAfterSeconds: number
  /**
   * Refused while the event loop has run every timer this late for three samples in a row
   * (150 ms): requests wait before any handler sees them. Default 100 ms.
   */
  maxLoopLagMs: number
  /**
   * Orders under way at once in a process, at most (read, not yet answered); the next ones are
   * refused before they are read (early-refusal.ts). Default 64: at 2,000 orders/s about 30 ms
   * of work, one batch of the order writer. With a few hundred the process took as many, but
   * each waited its turn behind them (BENCHMARKS.md, "Refusing early").
   */
  maxOrdersInFlight: number
}

export const defaultOverloadLimits: OverloadLimits = {
  maxOutboxBacklog: 20_000,
  retryAfterSeconds: 1,
  maxLoopLagMs: 100,
  maxOrdersInFlight: 64,
}

/** The message of a 503 `overloaded`: why, and when to come back. */
export const tryAgainIn = (why: string, seconds: number) => `${why}; try again in ${seconds} s`

/**
 * Refuses an order with 503 `overloaded` and `Retry-After` when what would be acknowledged now
 * cannot reach the bar within the bounds: the broker is connected but behind (the publisher's
 * in-flight bounds), the order writer has its bound of orders waiting, this process's event loop
 * is lastingly late, or the broker is away and the outbox holds `maxOutboxBacklog` messages
 * already. `check` runs before anything of the order is stored; `overloaded` is its part that
 * needs no database, for refusing before a request is read (early-refusal.ts).
 */
export function createAdmission(
  sql: Sql,
  publisher: Publisher,
  limits: OverloadLimits = defaultOverloadLimits,
  /** Whether the order writer has as many orders waiting as it allows. */
  writerBusy: () => boolean = () => false,
) {
  const loop = watchLoopLag({ maxLagMs: limits.maxLoopLagMs })
  const refuse = (c: Context, why: string): never => {
    c.header('retry-after', String(limits.retryAfterSeconds))
    throw new Refusal(503, 'overloaded', tryAgainIn(why, limits.retryAfterSeconds))
  }
  const overloaded = (): string | null =>
    publisher.saturated() || writerBusy() || loop.behind() ? 'the bar is busy' : null
  return {
    overloaded,
    retryAfterSeconds: limits.retryAfterSeconds,
    maxInFlight: limits.maxOrdersInFlight,
    async check(c: Context): Promise<void> {
      const why = overloaded()
      if (why) refuse(c, why)
      if (publisher.connected()) return
      // Counting stops at the bound, so a long outage costs each order a bounded scan.
      const [row] = await sql<{ waiting: number }[]>`
        select count(*)::int as waiting from (select 1 from outbox limit ${limits.maxOutboxBacklog}) as backlog`
      if ((row?.waiting ?? 0) >= limits.maxOutboxBacklog) refuse(c, 'orders are waiting for the bar already')
    },
  }
}
