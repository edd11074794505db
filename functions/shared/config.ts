import { loadTokens, type Tokens } from '../../runtime/secrets.ts'
import { defaultOrderLimits, defaultUndoSeconds, type OrderLimits } from './app.ts'

export interface FunctionConfig {
  databaseUrl: string
  brokerUrl: string
  port: number
  tokens: Tokens
  orderLimits: OrderLimits
  trustProxy: boolean
  tickerNicknames: boolean
  undoSeconds: number
}

/**
 * Rate limits from `RATE_LIMIT_GUEST` and `RATE_LIMIT_ADDRESS` (orders per minute), else the
 * defaults. Read by every deployable that places orders.
 */
export function readOrderLimits(env: NodeJS.ProcessEnv = process.env): OrderLimits {
  const perMinute = (name: string, fallback: number) => {
    const value = env[name]
    if (value === undefined || value === '') return { limit: fallback, windowMs: 60_000 }
    const limit = Number(value)
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`${name}=${value} is not a positive whole number`)
    return { limit, windowMs: 60_000 }
  }
  return {
    perGuest: perMinute('RATE_LIMIT_GUEST', defaultOrderLimits.perGuest.limit),
    perAddress: perMinute('RATE_LIMIT_ADDRESS', defaultOrderLimits.perAddress.limit),
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
    orderLimits: readOrderLimits(env),
    trustProxy: env.TRUST_PROXY === 'true',
    tickerNicknames: readTickerNicknames(env),
    undoSeconds: readUndoSeconds(env),
  }
}

/** `TICKER_NICKNAMES=false` hides nicknames from the public ticker (the bar still sees them). */
export function readTickerNicknames(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TICKER_NICKNAMES !== 'false'
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
