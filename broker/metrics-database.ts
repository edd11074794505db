import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import { Gauge } from 'prom-client'
import { topics } from '../contract/index.ts'
import type { Registry } from '../runtime/metrics.ts'
import { connectedClients } from './metrics.ts'

export interface DatabaseMetricsOptions {
  sql: Sql
  broker: Aedes
  registry: Registry
  /** Longest a scrape waits for its queries; the gauges are left out when it is exceeded. Default 2000 ms. */
  timeoutMs?: number
  /** Most sessions reported one by one (each is a label value). Default 50. */
  maxSessions?: number
}

const queueTopics = [topics.barOrders, topics.barTickets]

/**
 * Read from Postgres at each scrape, so every replica reports the same shared state: the outbox
 * (the broker relays it, and it runs while functions are at zero), the offline queues of the
 * sessions subscribed to the bar's topics (printers: only trusted roles may subscribe there, so
 * their client ids are few), and the database's connections. A scrape that cannot reach the
 * database leaves these out rather than failing the whole scrape.
 */
export function observeDatabase({ sql, broker, registry, timeoutMs = 2000, maxSessions = 50 }: DatabaseMetricsOptions) {
  const registers = [registry]
  // Tickets are plain text: their age is known from when a scrape first saw them at the head of a queue.
  const headSeen = new Map<string, { id: string; at: number }>()

  const query = <T>(run: () => Promise<T>): Promise<T | null> => {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs)
    })
    return Promise.race([run().catch(() => null), timeout]).finally(() => clearTimeout(timer))
  }

  new Gauge({
    name: 'drinks_outbox_messages',
    help: 'Messages committed by the functions and not yet handed to the broker',
    registers,
    async collect() {
      this.reset()
      outboxAge.reset()
      const row = await query(() => outboxState(sql))
      if (!row) return
      this.set(row.count)
      outboxAge.set(row.oldest)
    },
  })
  const outboxAge = new Gauge({
    name: 'drinks_outbox_oldest_age_seconds',
    help: 'Age of the oldest message waiting in the outbox (0 when empty)',
    registers,
  })

  new Gauge({
    name: 'drinks_mqtt_session_queued_messages',
    help: 'Messages waiting in the offline queue (or in flight) of each session subscribed to bar/orders or bar/tickets',
    labelNames: ['client_id'] as const,
    registers,
    async collect() {
      this.reset()
      queueAge.reset()
      connected.reset()
      const rows = await query(() => sessionQueues(sql, maxSessions))
      if (!rows) return
      const now = Date.now()
      const clientIds = new Set(connectedClients(broker).map((client) => client.id))
      for (const row of rows) {
        const labels = { client_id: row.client_id }
        this.set(labels, row.queued)
        connected.set(labels, clientIds.has(row.client_id) ? 1 : 0)
        if (!row.head_id) {
          headSeen.delete(row.client_id)
          queueAge.set(labels, 0)
          continue
        }
        const seen = headSeen.get(row.client_id)
        const at = seen?.id === row.head_id ? seen.at : now
        headSeen.set(row.client_id, { id: row.head_id, at })
        const stored = orderTime(row.head_payload)
        queueAge.set(labels, Math.max(0, (now - (stored ?? at)) / 1000))
      }
    },
  })
  const queueAge = new Gauge({
    name: 'drinks_mqtt_session_oldest_queued_age_seconds',
    help: 'Age of the oldest message in the offline queue of each session subscribed to the bar topics',
    labelNames: ['client_id'] as const,
    registers,
  })
  const connected = new Gauge({
    name: 'drinks_mqtt_session_connected',
    help: 'Whether the session subscribed to the bar topics is connected to this replica (1) or not (0)',
    labelNames: ['client_id'] as const,
    registers,
  })

  new Gauge({
    name: 'drinks_db_connections',
    help: 'Connections to this database, all clients and replicas, by state (pg_stat_activity)',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      this.reset()
      const rows = await query(
        () => sql<{ state: string; count: number }[]>`
          select coalesce(state, 'unknown') as state, count(*)::int as count
          from pg_stat_activity where datname = current_database() group by 1`,
      )
      for (const row of rows ?? []) this.set({ state: row.state }, row.count)
    },
  })
  new Gauge({
    name: 'drinks_db_query_seconds',
    help: "Round trip of a trivial query through this replica's pool at scrape time: rises when the pool or the database is busy",
    registers,
    async collect() {
      this.reset()
      const started = performance.now()
      const ok = await query(() => sql`select 1`)
      if (ok) this.set((performance.now() - started) / 1000)
    },
  })
}

async function outboxState(sql: Sql): Promise<{ count: number; oldest: number }> {
  const [row] = await sql<{ count: number; oldest: number }[]>`
    select count(*)::int as count,
      coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest
    from outbox`
  return row ?? { count: 0, oldest: 0 }
}

interface SessionQueue {
  client_id: string
  queued: number
  head_id: string | null
  head_payload: Buffer | null
}

function sessionQueues(sql: Sql, limit: number) {
  return sql<SessionQueue[]>`
    select s.client_id,
      (select count(*)::int from mqtt_outgoing o where o.client_id = s.client_id) as queued,
      head.id::text as head_id, head.payload as head_payload
    from (select distinct client_id from mqtt_subscriptions where topic in ${sql(queueTopics)}
          order by client_id limit ${limit}) s
    left join lateral (
      select id, payload from mqtt_outgoing o where o.client_id = s.client_id order by id limit 1
    ) head on true`
}

/** When the order of a `bar/orders` payload last changed; null for anything else. */
function orderTime(payload: Buffer | null): number | null {
  if (!payload) return null
  try {
    const updatedAt = (JSON.parse(payload.toString('utf8')) as { order?: { updatedAt?: unknown } }).order?.updatedAt
    const time = typeof updatedAt === 'string' ? Date.parse(updatedAt) : Number.NaN
    return Number.isNaN(time) ? null : time
  } catch {
    return null
  }
}
