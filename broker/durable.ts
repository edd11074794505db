import type { Aedes } from 'aedes'
import postgres, { type Sql } from 'postgres'
import { macOfCloudprntUsername } from '../contract/index.ts'
import { reconnectDelaySeconds } from '../db/reconnect-delay.ts'
import type { Logger } from '../runtime/logger.ts'
import type { Registry } from '../runtime/metrics.ts'
import { startPushRelay } from '../runtime/push/relay.ts'
import type { PushSender } from '../runtime/push/sender.ts'
import { postgresCloudprntVerifier } from './access/cloudprnt.ts'
import type { Credentials } from './access.ts'
import { closeBroker, createBroker } from './broker.ts'
import { startCloudprntBridge } from './cloudprnt/bridge.ts'
import { type BrokerBounds, type BrokerPoolOptions, defaultBrokerPool } from './config.ts'
import { createPostgresEmitter } from './emitter/index.ts'
import { observeDurableBroker } from './metrics-durable.ts'
import { migrateBroker } from './migrations/index.ts'
import { startOutboxRelay } from './outbox-relay.ts'
import { createPostgresPersistence } from './persistence/index.ts'

export interface DurableBrokerOptions extends BrokerBounds {
  /** The broker's own pool ({@link createBrokerSql}), never one the functions use. */
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
  /**
   * Sends the Web Push messages the functions left (`push_outbox`: not sent, or due for a retry);
   * no push relay when omitted.
   */
  push?: PushSender
  /** Serve CloudPRNT printers: their logins and the bridge that sends them jobs. Default true. */
  cloudprnt?: boolean
  /** Where the broker's metrics are registered (broker/metrics.ts); none when omitted. */
  metrics?: Registry
}

export interface DurableBroker {
  broker: Aedes
  /** Disconnects clients, stops the relay, flushes and closes the persistence and the bus. */
  close(): Promise<void>
}

/**
 * A postgres.js pool for the broker alone: its own connections (so that a flood of broker work
 * waits for these, never for the functions'), each statement cut off at `statementTimeoutMs`.
 * A failed connection tries again within a second (postgres.js' default waits up to 20 s), so the
 * broker is ready and storing again soon after Postgres is back.
 */
export function createBrokerSql(url: string, { max, statementTimeoutMs }: BrokerPoolOptions = defaultBrokerPool): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    backoff: reconnectDelaySeconds,
    connection: { statement_timeout: statementTimeoutMs, application_name: 'drinks-broker' },
  })
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
  push,
  cloudprnt = true,
  maxQueued,
  heartbeatInterval,
  maxDeliveriesPerTurn,
  metrics,
}: DurableBrokerOptions) {
  await migrateBroker(sql)
  const persistence = createPostgresPersistence({ sql, logger: log, ...(maxQueued ? { maxQueued } : {}) })
  const mq = replicas ? createPostgresEmitter({ sql, logger: log, maxDeliveriesPerTurn }) : undefined
  await mq?.ready
  const broker = await createBroker({
    credentials,
    persistence,
    mq,
    maxDeliveriesPerTurn,
    log,
    ...(heartbeatInterval ? { heartbeatInterval } : {}),
    ...(cloudprnt ? { cloudprnt: postgresCloudprntVerifier(sql) } : {}),
  })
  const status = metrics ? observeDurableBroker({ broker, sql, registry: metrics, log }) : null
  const relaying = relay ? startOutboxRelay({ sql, broker, log }) : null
  const pushing = relay && push ? startPushRelay({ sql, sender: push, log }) : null
  const bridge = cloudprnt ? startCloudprntBridge({ broker, sql, log, onStatus: () => status?.refresh() }) : null
  if (status) {
    // A printer coming or going changes what the bar is shown.
    const changed = (client: { id: string }) => {
      if (macOfCloudprntUsername(client.id)) status.refresh()
    }
    broker.on('client', changed)
    broker.on('clientDisconnect', changed)
  }
  return {
    broker,
    async close() {
      await Promise.all([relaying?.stop(), pushing?.stop(), bridge?.stop()])
      // Closing the broker closes its emitter too.
      await closeBroker(broker)
      await persistence.destroy()
    },
  } satisfies DurableBroker
}
