import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import { topics } from '../contract/index.ts'
import { type Registry, scrapeQuery, sharedLoad } from '../runtime/metrics.ts'
import { Gauge } from '../runtime/prom.ts'
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
/** A station's orders or tickets: a printer of one station subscribes there. */
const stationQueueTopics = `^${topics.stationOrders('[a-z0-9-]{1,32}').replace('/orders', '/(orders|tickets)')}$`

/**
 * Read from Postgres at each scrape, so every replica reports the same shared state: the offline queues of the
 * sessions subscribed to the bar's topics (printers: only trusted roles may subscribe there, so
 * their client ids are few), and the database's connections. A scrape that cannot reach the
 * database leaves these out rather than failing the whole scrape.
 */
export function observeDatabase({ sql, broker, registry, timeoutMs = 2000, maxSessions = 50 }: DatabaseMetricsOptions) {
  const registers = [registry]
  // Tickets are plain text: their age is known from when a scrape first saw them at the head of a queue.
  const headSeen = new Map<string, { id: string; at: number }>()

  const query = <T>(run: () => Promise<T>) => scrapeQuery(run, timeoutMs)

  const load = sharedLoad(async () => {
    const rows = await query(() => sessionQueues(sql, maxSessions))
    if (!rows) return null
    const now = Date.now()
    const clientIds = new Set(connectedClients(broker).map((client) => client.id))
    for (const id of headSeen.keys()) if (!rows.some((row) => row.client_id === id)) headSeen.delete(id)
    return rows.map((row) => {
      let age = 0
      if (!row.head_id) headSeen.delete(row.client_id)
      else {
        const seen = headSeen.get(row.client_id)
        const at = seen?.id === row.head_id ? seen.at : now
        headSeen.set(row.client_id, { id: row.head_id, at })
        age = Math.max(0, (now - (orderTime(row.head_payload) ?? at)) / 1000)
      }
      return { client_id: row.client_id, queued: row.queued, age, connected: clientIds.has(row.client_id) ? 1 : 0 }
    })
  })
  const sessionGauge = (name: string, help: string, value: (session: SessionState) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['client_id'] as const,
      registers,
      async collect() {
        this.reset()
        for (const session of (await load()) ?? []) this.set({ client_id: session.client_id }, value(session))
      },
    })
  sessionGauge(
    'drinks_mqtt_session_queued_messages',
    'Messages waiting in the offline queue (or in flight) of each session subscribed to bar/orders or bar/tickets',
    (session) => session.queued,
  )
  sessionGauge(
    'drinks_mqtt_session_oldest_queued_age_seconds',
    'Age of the oldest message in the offline queue of each session subscribed to the bar topics (0 when empty)',
    (session) => session.age,
  )
  sessionGauge(
    'drinks_mqtt_session_connected',
    'Whether the session subscribed to the bar topics is connected to this replica (1) or not (0)',
    (session) => session.connected,
  )

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

interface SessionState {
  client_id: string
  queued: number
  age: number
  connected: number
}

export interface SessionQueue {
  client_id: string
  queued: number
  head_id: string | null
  head_payload: Buffer | null
}

/** The sessions subscribed to the bar's topics or a station's (the printers), their queue length and head. */
export function sessionQueues(sql: Sql, limit: number) {
  return sql<SessionQueue[]>`
    select s.client_id,
      (select count(*)::int from mqtt_outgoing o where o.client_id = s.client_id) as queued,
      head.id::text as head_id, head.payload as head_payload
    from (select distinct client_id from mqtt_subscriptions
          where topic in ${sql(queueTopics)} or topic ~ ${stationQueueTopics}
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
