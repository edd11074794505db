import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import type { Logger } from '../runtime/logger.ts'
import type { Registry } from '../runtime/metrics.ts'
import type { Credentials } from './access.ts'
import { closeBroker, createBroker } from './broker.ts'
import { createPostgresEmitter } from './emitter/index.ts'
import { observeDurableBroker } from './metrics-durable.ts'
import { migrateBroker } from './migrations/index.ts'
import { startOutboxRelay } from './outbox-relay.ts'
import { createPostgresPersistence } from './persistence/index.ts'

export interface DurableBrokerOptions {
  sql: Sql
  credentials: Credentials
  log: Logger
  /**
   * Share one bus with other replicas on the same database (the Postgres emitter). Off for a
   * single broker, whose messages then need no round trip through Postgres. Default true.
   */
  replicas?: boolean
  /** Relay the orders' outbox. Default true. */
  relay?: boolean
  /** Where the broker's metrics are registered (broker/metrics.ts); none when omitted. */
  metrics?: Registry
}

export interface DurableBroker {
  broker: Aedes
  /** Disconnects clients, stops the relay, flushes and closes the persistence and the bus. */
  close(): Promise<void>
}

/**
 * The broker as deployed: sessions, offline queues, retained messages and wills in Postgres,
 * a bus shared by replicas, and the relay that publishes what functions left in the outbox.
 * Its schema is migrated on start (safe from several replicas at once).
 */
export async function startDurableBroker({
  sql,
  credentials,
  log,
  replicas = true,
  relay = true,
  metrics,
}: DurableBrokerOptions) {
  await migrateBroker(sql)
  const persistence = createPostgresPersistence({ sql, logger: log })
  const mq = replicas ? createPostgresEmitter({ sql, logger: log }) : undefined
  await mq?.ready
  const broker = await createBroker({ credentials, persistence, mq, log })
  if (metrics) observeDurableBroker({ broker, sql, registry: metrics, log })
  const relaying = relay ? startOutboxRelay({ sql, broker, log }) : null
  return {
    broker,
    async close() {
      await relaying?.stop()
      // Closing the broker closes its emitter too.
      await closeBroker(broker)
      await persistence.destroy()
    },
  } satisfies DurableBroker
}
