import { type ConfigReader, type Env, readEnv } from '../../runtime/config.ts'
import { defaultPorts, localBrokerUrl } from '../../runtime/ports.ts'
import { type PushOptions, readPushOptions } from '../../runtime/push/options.ts'
import { loadVapidKeys, type VapidKeys } from '../../runtime/push/vapid.ts'
import { loadTokens, type Tokens } from '../../runtime/secrets.ts'
import { defaultOverloadLimits, type OverloadLimits } from './admission.ts'
import {
  defaultEditLimits,
  defaultMaxWaiting,
  defaultOrderLimits,
  defaultUndoSeconds,
  type OrderLimits,
} from './app.ts'
import { type OrderWriterOptions, orderWriterDefaults } from './order-writer.ts'

/** What every function is told besides its connections: limits, the proxy, the ticker. */
export interface FunctionSettings {
  orderLimits: OrderLimits
  editLimits: OrderLimits
  trustProxy: boolean
  tickerNicknames: boolean
  undoSeconds: number
  overloadLimits: OverloadLimits
  orderWriter: OrderWriterOptions
  /** Requests waiting for a database connection beyond the pool's `max` (`DB_MAX_WAITING`). */
  maxWaiting: number
}

export interface FunctionConfig extends FunctionSettings {
  databaseUrl: string
  brokerUrl: string
  port: number
  tokens: Tokens
  vapid: VapidKeys
  push: PushOptions
}

/**
 * The functions' settings from the environment, else the defaults: read by a function's pod and
 * by `npm start` alike, so a setting cannot reach one and miss the other.
 */
export function readFunctionSettings(env: Env = process.env): FunctionSettings {
  const read = readEnv(env)
  return {
    orderLimits: readOrderLimits(env),
    editLimits: {
      perGuest: perMinute(read, 'RATE_LIMIT_EDITS_GUEST', defaultEditLimits.perGuest.limit),
      perAddress: perMinute(read, 'RATE_LIMIT_EDITS_ADDRESS', defaultEditLimits.perAddress.limit),
    },
    // A mistyped `TRUST_PROXY=yes` must not quietly count a whole venue behind the ingress as one address.
    trustProxy: read.flag('TRUST_PROXY', false),
    tickerNicknames: readTickerNicknames(env),
    undoSeconds: readUndoSeconds(env),
    maxWaiting: read.whole('DB_MAX_WAITING', defaultMaxWaiting, { min: 0 }),
    ...readOverloadBounds(env),
  }
}

/**
 * When new orders are refused with 503 `overloaded`: `ORDER_QUEUE_MAX` orders waiting for the
 * order writer (default 1,000), `ORDERS_IN_FLIGHT_MAX` orders under way (default 64),
 * `LOOP_LAG_MAX_MS` of lasting event-loop lag (default 100),
 * `OUTBOX_MAX_BACKLOG` messages waiting for an absent broker (default 20,000).
 */
export function readOverloadBounds(env: Env = process.env): Pick<FunctionSettings, 'overloadLimits' | 'orderWriter'> {
  const read = readEnv(env)
  return {
    overloadLimits: {
      ...defaultOverloadLimits,
      maxLoopLagMs: read.whole('LOOP_LAG_MAX_MS', defaultOverloadLimits.maxLoopLagMs, { min: 1 }),
      maxOrdersInFlight: read.whole('ORDERS_IN_FLIGHT_MAX', defaultOverloadLimits.maxOrdersInFlight, { min: 1 }),
      maxOutboxBacklog: read.whole('OUTBOX_MAX_BACKLOG', defaultOverloadLimits.maxOutboxBacklog, { min: 1 }),
    },
    orderWriter: { maxWaiting: read.whole('ORDER_QUEUE_MAX', orderWriterDefaults.maxWaiting, { min: 1 }) },
  }
}

/**
 * Rate limits from `RATE_LIMIT_GUEST` and `RATE_LIMIT_ADDRESS` (orders per minute), else the
 * defaults. Read by every deployable that places orders.
 */
export function readOrderLimits(env: Env = process.env): OrderLimits {
  const read = readEnv(env)
  return {
    perGuest: perMinute(read, 'RATE_LIMIT_GUEST', defaultOrderLimits.perGuest.limit),
    perAddress: perMinute(read, 'RATE_LIMIT_ADDRESS', defaultOrderLimits.perAddress.limit),
  }
}

/** Configuration of a standalone function, read once at start; fails fast on what is missing. */
export function readFunctionConfig(env: Env = process.env): FunctionConfig {
  const read = readEnv(env)
  return {
    databaseUrl: read.required('DATABASE_URL', 'a function needs its Postgres (npm start runs everything locally)'),
    brokerUrl: read.text('BROKER_URL', undefined) ?? localBrokerUrl(read.port('MQTT_PORT', defaultPorts.mqtt)),
    port: read.port('PORT', defaultPorts.http),
    tokens: loadTokens(env),
    vapid: loadVapidKeys(env),
    push: readPushOptions(env),
    ...readFunctionSettings(env),
  }
}

/** `TICKER_NICKNAMES=false` hides nicknames from the public ticker (the bar still sees them). */
export function readTickerNicknames(env: Env = process.env): boolean {
  return readEnv(env).flag('TICKER_NICKNAMES', true)
}

function perMinute(read: ConfigReader, name: string, fallback: number) {
  return { limit: read.whole(name, fallback, { min: 1 }), windowMs: 60_000 }
}

/**
 * `UNDO_SECONDS`: how long the bar may undo its last move of an order (the update-order
 * function enforces it, the bar display shows the Undo button as long). 0 turns undo off.
 */
export function readUndoSeconds(env: Env = process.env): number {
  return readEnv(env).whole('UNDO_SECONDS', defaultUndoSeconds, { min: 0, max: 60 })
}
