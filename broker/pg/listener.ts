/**
 * One LISTEN connection that comes back by itself. Shared by the emitter and the persistence.
 *
 * Not `sql.listen`: postgres.js re-listens once, at once, when its connection closes, and if that
 * single attempt fails (the database is restarting) the listener is dropped silently for good.
 * Here the connection is our own (one connection, the settings of the pool passed in), its loss
 * is seen (`onclose`, and a probe that catches half-open sockets), and it is re-opened with
 * exponential backoff and full jitter, so that replicas do not all knock at once.
 *
 * Notifications sent while no LISTEN is in place are lost: Postgres keeps none for a session that
 * is not listening. `onListen` runs after every successful LISTEN so that the owner can catch up
 * (what each owner misses, and how it recovers, is written where it is used). The retry delay is
 * capped at 1 s by default: every second the bus is down is a second of messages to catch up, and
 * a Postgres back after a restart must not wait for our backoff.
 */
import postgres, { type Sql } from 'postgres'
import { backoffDelay } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'

// The project's one Logger, passed on for the owners that import it from here.
export type { Logger }

/** Largest NOTIFY payload in bytes: Postgres refuses 8000 and more. Larger messages must go through a table. */
export const maxNotifyBytes = 7_999

/** Longest wait between reconnect attempts, in ms (the delay is drawn between 0 and it: full jitter). */
export const defaultMaxDelay = 1_000

export interface ListenerOptions {
  /** The pool whose connection settings the LISTEN connection copies. It is not used otherwise. */
  sql: Sql
  channel: string
  /** Every payload received on the channel, in the order Postgres delivers them (commit order). */
  onNotify: (payload: string) => void
  /**
   * Runs after every successful LISTEN, the first one included. `downSince` is when the previous
   * LISTEN was lost (epoch ms), null on the first one.
   */
  onListen?: (downSince: number | null) => void
  logger?: Logger
  /** First retry delay in ms (default 200); doubles per failure up to `maxDelay` (default `defaultMaxDelay`). */
  minDelay?: number
  maxDelay?: number
  /** A `select 1` every `probeInterval` ms (default 15 s) that must answer within `probeTimeout` (5 s). */
  probeInterval?: number
  probeTimeout?: number
}

export interface Listener {
  /** Whether a LISTEN is in place right now. */
  readonly listening: boolean
  /** Settles with the first attempt: resolves when listening, rejects if it failed (retries go on). */
  readonly ready: Promise<void>
  /** Resolves true once listening, or false after `timeout` ms. */
  whenListening(timeout: number): Promise<boolean>
  close(): Promise<void>
}

/** Starts listening on `channel` at once; see {@link ListenerOptions} for the defaults. */
export function startListener(options: ListenerOptions): Listener {
  const { sql, channel, onNotify, onListen, logger = console } = options
  const { minDelay = 200, maxDelay = defaultMaxDelay, probeInterval = 15_000, probeTimeout = 5_000 } = options

  let session: Sql | null = null
  let closed = false
  let failures = 0
  let downSince: number | null = null
  let retryTimer: NodeJS.Timeout | undefined
  let waiting: ((listening: boolean) => void)[] = []

  async function open(): Promise<void> {
    // The pool's parsed options, as postgres.js itself passes them for `listen`; `onnotify` is a
    // supported option that its type declarations lack, hence the cast.
    const settings = {
      ...sql.options,
      // Tells this connection apart in pg_stat_activity.
      connection: { ...sql.options.connection, application_name: `${applicationName(sql)} listen ${channel}` },
      max: 1,
      idle_timeout: null,
      max_lifetime: null,
      fetch_types: false,
      onnotice: () => {},
      onnotify: (name: string, payload: string) => {
        if (conn !== session || name !== channel) return
        try {
          onNotify(payload)
        } catch (error) {
          logger.error(`LISTEN ${channel}: handler failed: ${(error as Error).message}`)
        }
      },
      onclose: () => lost(conn, 'connection closed'),
    }
    const conn: Sql = postgres(settings as unknown as postgres.Options<Record<string, never>>)
    try {
      await conn`listen ${conn(channel)}`
    } catch (error) {
      await conn.end({ timeout: 0 }).catch(() => {})
      throw error
    }
    if (closed) {
      await conn.end({ timeout: 0 })
      return
    }
    session = conn
    failures = 0
    for (const wake of waiting) wake(true)
    waiting = []
    const since = downSince
    downSince = null
    onListen?.(since)
  }

  function lost(conn: Sql, reason: string): void {
    if (conn !== session || closed) return
    session = null
    downSince = Date.now()
    logger.warn(`LISTEN ${channel}: ${reason}; reconnecting`)
    conn.end({ timeout: 0 }).catch(() => {})
    retry()
  }

  function retry(): void {
    const delay = backoffDelay(++failures, { baseMs: minDelay, maxMs: maxDelay })
    retryTimer = setTimeout(() => {
      open().catch((error: Error) => {
        logger.error(`LISTEN ${channel}: reconnect failed: ${error.message}`)
        if (!closed) retry()
      })
    }, delay)
  }

  const probe = setInterval(() => {
    const conn = session
    if (!conn) return
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${probeTimeout} ms`)), probeTimeout)
    })
    Promise.race([conn`select 1`, late])
      .catch((error: Error) => lost(conn, `probe failed: ${error.message}`))
      .finally(() => clearTimeout(timer))
  }, probeInterval)
  probe.unref()

  const ready = open().catch((error: Error) => {
    logger.error(`LISTEN ${channel}: ${error.message}; retrying`)
    if (!closed) retry()
    throw error
  })
  // The owner may never look at `ready`; retries are logged above.
  ready.catch(() => {})

  return {
    get listening() {
      return session !== null
    },
    ready,
    whenListening(timeout) {
      if (session) return Promise.resolve(true)
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeout)
        waiting.push((listening) => {
          clearTimeout(timer)
          resolve(listening)
        })
      })
    },
    async close() {
      closed = true
      clearInterval(probe)
      clearTimeout(retryTimer)
      for (const wake of waiting) wake(false)
      waiting = []
      const conn = session
      session = null
      await conn?.end({ timeout: 0 })
    },
  }
}

function applicationName(sql: Sql): string {
  const name = sql.options.connection.application_name
  return typeof name === 'string' ? name : 'postgres.js'
}
