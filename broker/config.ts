import type { GuardOptions } from './guard.ts'

/** The broker's own Postgres pool: it never shares connections with the functions. */
export interface BrokerPoolOptions {
  /** Most pooled connections (the LISTEN connections come on top). */
  max: number
  /** Postgres `statement_timeout` of every broker statement, in ms: no statement holds a connection longer. */
  statementTimeoutMs: number
}

export const defaultBrokerPool: BrokerPoolOptions = { max: 4, statementTimeoutMs: 15_000 }

/** Bounds of a durable broker that an operator may set; each has its default when omitted. */
export interface BrokerBounds {
  /** Most messages queued per offline session (the persistence's `maxQueued`, default 10,000). */
  maxQueued?: number
  /** Aedes' heartbeat in ms (default 60 s): a dead broker's wills are published every fourth. */
  heartbeatInterval?: number
  /** Subscriptions handed a message in one event-loop turn (emitter/turns.ts, default 250). */
  maxDeliveriesPerTurn?: number
}

/**
 * The bounds an operator may change through the environment; the rest keep their defaults.
 * Besides `guard` and `pool`, they are startDurableBroker's options (BrokerBounds).
 */
export interface BrokerConfig extends BrokerBounds {
  guard: Partial<GuardOptions>
  pool: BrokerPoolOptions
}

/**
 * Reads the broker's bounds from the environment once, failing on a value that is not a
 * positive integer. Every variable is optional; broker/README.md lists them with their defaults.
 */
export function readBrokerConfig(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const int = (name: string): number | undefined => {
    const text = env[name]
    if (text === undefined || text === '') return undefined
    const value = Number(text)
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not "${text}"`)
    return value
  }
  const guard: Partial<GuardOptions> = { trustProxy: env.TRUST_PROXY === 'true' }
  const maxConnections = int('MQTT_MAX_CONNECTIONS')
  const perAddress = int('MQTT_MAX_CONNECTIONS_PER_ADDRESS')
  if (maxConnections) guard.maxConnections = maxConnections
  if (perAddress) guard.maxConnectionsPerAddress = perAddress
  const maxQueued = int('MQTT_MAX_QUEUED')
  const heartbeatInterval = int('MQTT_HEARTBEAT_INTERVAL_MS')
  const maxDeliveriesPerTurn = int('MQTT_DELIVERIES_PER_TURN')
  return {
    guard,
    pool: {
      max: int('BROKER_DB_POOL_MAX') ?? defaultBrokerPool.max,
      statementTimeoutMs: int('BROKER_STATEMENT_TIMEOUT_MS') ?? defaultBrokerPool.statementTimeoutMs,
    },
    ...(maxQueued ? { maxQueued } : {}),
    ...(heartbeatInterval ? { heartbeatInterval } : {}),
    ...(maxDeliveriesPerTurn ? { maxDeliveriesPerTurn } : {}),
  }
}
