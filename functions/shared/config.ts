import { loadTokens, type Tokens } from '../../runtime/secrets.ts'
import { defaultEditLimits, defaultOrderLimits, defaultUndoSeconds, type OrderLimits } from './app.ts'

/** What every function is told besides its connections: limits, the proxy, the ticker. */
export interface FunctionSettings {
  orderLimits: OrderLimits
  editLimits: OrderLimits
  trustProxy: boolean
  tickerNicknames: boolean
  undoSeconds: number
}

export interface FunctionConfig extends FunctionSettings {
  databaseUrl: string
  brokerUrl: string
  port: number
  tokens: Tokens
}

/**
 * The functions' settings from the environment, else the defaults: read by a function's pod and
 * by `npm start` alike, so a setting cannot reach one and miss the other.
 */
export function readFunctionSettings(env: NodeJS.ProcessEnv = process.env): FunctionSettings {
  return {
    orderLimits: readOrderLimits(env),
    editLimits: {
      perGuest: perMinute(env, 'RATE_LIMIT_EDITS_GUEST', defaultEditLimits.perGuest.limit),
      perAddress: perMinute(env, 'RATE_LIMIT_EDITS_ADDRESS', defaultEditLimits.perAddress.limit),
    },
    trustProxy: readFlag(env, 'TRUST_PROXY', false),
    tickerNicknames: readTickerNicknames(env),
    undoSeconds: readUndoSeconds(env),
  }
}

/**
 * Rate limits from `RATE_LIMIT_GUEST` and `RATE_LIMIT_ADDRESS` (orders per minute), else the
 * defaults. Read by every deployable that places orders.
 */
export function readOrderLimits(env: NodeJS.ProcessEnv = process.env): OrderLimits {
  return {
    perGuest: perMinute(env, 'RATE_LIMIT_GUEST', defaultOrderLimits.perGuest.limit),
    perAddress: perMinute(env, 'RATE_LIMIT_ADDRESS', defaultOrderLimits.perAddress.limit),
  }
}

/** Configuration of a standalone function, read once at start; fails fast on what is missing. */
export function readFunctionConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const databaseUrl = env.DATABASE_URL
  if (!databaseUrl)
    throw new Error('DATABASE_URL is not set: a function needs its Postgres (npm start runs everything locally)')
  const port = Number(env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env.PORT} is not a port number`)
  return {
    databaseUrl,
    brokerUrl: env.BROKER_URL ?? `mqtt://127.0.0.1:${env.MQTT_PORT ?? 1883}`,
    port,
    tokens: loadTokens(env),
    ...readFunctionSettings(env),
  }
}

/** `TICKER_NICKNAMES=false` hides nicknames from the public ticker (the bar still sees them). */
export function readTickerNicknames(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TICKER_NICKNAMES !== 'false'
}

function perMinute(env: NodeJS.ProcessEnv, name: string, fallback: number) {
  const value = env[name]
  if (value === undefined || value === '') return { limit: fallback, windowMs: 60_000 }
  const limit = Number(value)
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`${name}=${value} is not a positive whole number`)
  return { limit, windowMs: 60_000 }
}

// A mistyped `TRUST_PROXY=yes` must not quietly count a whole venue behind the ingress as one address.
function readFlag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  if (value === 'true' || value === 'false') return value === 'true'
  throw new Error(`${name}=${value} is neither true nor false`)
}

/**
 * `UNDO_SECONDS`: how long the bar may undo its last move of an order (the update-order
 * function enforces it, the bar display shows the Undo button as long). 0 turns undo off.
 */
export function readUndoSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const undoSeconds = Number(env.UNDO_SECONDS || defaultUndoSeconds)
  if (!Number.isInteger(undoSeconds) || undoSeconds < 0 || undoSeconds > 60) {
    throw new Error(`UNDO_SECONDS=${env.UNDO_SECONDS} is not a whole number of seconds from 0 to 60`)
  }
  return undoSeconds
}
