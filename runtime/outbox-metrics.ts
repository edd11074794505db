import type { Sql } from 'postgres'
import { type Registry, scrapeQuery, sharedLoad } from './metrics.ts'
import { Gauge } from './prom.ts'

export interface OutboxMetricsOptions {
  sql: Sql
  registry: Registry
  /** Longest a scrape waits for the query; the gauges are left out when exceeded. Default 2000 ms. */
  timeoutMs?: number
}

/**
 * The outbox (functions write it, the broker relays it) read at each scrape. Both sides report
 * it: the functions while the broker is away, the broker while the functions are at zero; take
 * the max over all of them.
 */
export function observeOutbox({ sql, registry, timeoutMs = 2000 }: OutboxMetricsOptions): void {
  const registers = [registry]
  const load = sharedLoad(() => scrapeQuery(() => outboxState(sql), timeoutMs))
  new Gauge({
    name: 'drinks_outbox_messages',
    help: 'Messages committed by the functions and not yet handed to the broker',
    registers,
    async collect() {
      this.reset()
      const row = await load()
      if (row) this.set(row.count)
    },
  })
  new Gauge({
    name: 'drinks_outbox_oldest_age_seconds',
    help: 'Age of the oldest message waiting in the outbox (0 when empty)',
    registers,
    async collect() {
      this.reset()
      const row = await load()
      if (row) this.set(row.oldest)
    },
  })
}

/** Messages in the outbox and the age of the oldest, in seconds (0 when empty). */
export async function outboxState(sql: Sql): Promise<{ count: number; oldest: number }> {
  const [row] = await sql<{ count: number; oldest: number }[]>`
    select count(*)::int as count,
      coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest
    from outbox`
  return row ?? { count: 0, oldest: 0 }
}
