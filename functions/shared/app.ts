import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import type { Sql } from 'postgres'
import { routes } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'
import type { OverloadLimits } from './admission.ts'
import type { EarlyRefusals } from './early-refusal.ts'
import { errorHandler, errorResponse } from './errors.ts'
import type { FunctionMetrics } from './metrics.ts'
import { observeRequests } from './observe.ts'
import type { OrderWriterOptions } from './order-writer.ts'
import type { Publisher } from './publisher.ts'
import type { RateLimit } from './rate-limit.ts'
import { createReadinessCheck } from './readiness.ts'

/** What every function is built from. */
export interface FunctionDeps {
  sql: Sql
  publisher: Publisher
  barToken: string
  log: Logger
  /** Limits on placing orders; the defaults of `defaultOrderLimits` when omitted. */
  orderLimits?: OrderLimits
  /** Limits on guests' changes to their orders; the defaults of `defaultEditLimits` when omitted. */
  editLimits?: OrderLimits
  /** Whether X-Forwarded-For comes from our own ingress. Default false. */
  trustProxy?: boolean
  /** Whether the public ticker shows nicknames. Default true. */
  tickerNicknames?: boolean
  /** Request and order metrics (functions/shared/metrics.ts); nothing is counted when omitted. */
  metrics?: FunctionMetrics
  /** Seconds within which the bar may undo its last move of an order. Default 5. */
  undoSeconds?: number
  /** When new orders are refused with 503; `defaultOverloadLimits` when omitted. */
  overloadLimits?: OverloadLimits
  /**
   * The server's refusals before a request is read, where the host's server has them: an
   * overloaded function registers its routes there, so a rush is refused at the cost of a bare
   * answer. Without it the same refusals come from the handler.
   */
  earlyRefusals?: EarlyRefusals
  /** The order writer's batches and bounds; `orderWriterDefaults` where omitted. */
  orderWriter?: OrderWriterOptions
  /** Requests waiting for a pool connection beyond the pool's `max` in flight. Default `defaultMaxWaiting`. */
  maxWaiting?: number
  /** The VAPID public key the page subscribes with (`GET /api/push/key`); push is off without it. */
  vapidPublicKey?: string
  /** Whether loopback http endpoints are accepted (`PUSH_ALLOW_LOOPBACK`). Default false. */
  pushAllowLoopback?: boolean
  /** The push services' hosts an endpoint may be at (`PUSH_HOSTS`); the defaults of `defaultPushOptions` when omitted. */
  pushHosts?: string[]
  /** Where CloudPRNT printers reach the broker (functions/cloudprnt); port 1883, no TLS when omitted. */
  cloudprnt?: { mqttHost?: string; mqttPort: number; useTls: boolean; publicUrl?: string }
}

/**
 * Requests that may wait for a database connection while all of the pool's are busy. postgres.js
 * queues without bound; while Postgres is away every request would wait for a connection attempt,
 * and the backlog outlives the outage. Beyond it a request is answered 503 at once. As large as
 * the largest `containerConcurrency` of hono.config.ts, so that a healthy pod meets Knative's
 * limit first (place-order's orders wait in the order writer's own bounded queue, not the pool's).
 */
export const defaultMaxWaiting = 200

/** Seconds within which the bar may undo a move (`UNDO_SECONDS`). */
export const defaultUndoSeconds = 5

export interface OrderLimits {
  perGuest: RateLimit
  perAddress: RateLimit
}

export const defaultOrderLimits: OrderLimits = {
  // A guest orders a round now and then; five a minute leaves room for mistakes.
  perGuest: { limit: 5, windowMs: 60_000 },
  // A whole venue may share one public address (the Wi-Fi's NAT): about 10 orders a second.
  perAddress: { limit: 600, windowMs: 60_000 },
}

/** Guests' edits (not cancels, not the bar's moves): each one is published to the bar. */
export const defaultEditLimits: OrderLimits = {
  // A guest fixes a drink or a note now and then; ten a minute is far more than that.
  perGuest: { limit: 10, windowMs: 60_000 },
  // A venue changes orders less often than it places them; five a second from one address.
  perAddress: { limit: 300, windowMs: 60_000 },
}

/** The answer to a path no function serves. */
export function notFound(c: Context): Response {
  return errorResponse(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)
}

/** Largest request body accepted, per the spec. */
export const MAX_BODY_BYTES = 4 * 1024

/**
 * A Hono app with what every function shares: request ids, the body limit, the error shape,
 * `/api/healthz` (the process runs) and `/api/readyz` (Postgres answers and the schema is
 * migrated; the broker's state is reported but does not make a function unready).
 */
export function createBaseApp({ sql, publisher, log, metrics, maxWaiting }: FunctionDeps): Hono {
  const app = new Hono()
  app.use(observeRequests({ log, metrics }))
  app.use(requestId())
  app.use(admitRequests(sql.options.max + (maxWaiting ?? defaultMaxWaiting)))
  app.use(limitBody(MAX_BODY_BYTES))
  app.onError(errorHandler(log))
  app.notFound(notFound)
  app.get(routes.healthz, (c) => c.json({ ok: true }))
  const readiness = createReadinessCheck(sql, log)
  app.get(routes.readyz, async (c) => {
    const ready = await readiness()
    // Ready without the broker: orders wait in the outbox until it is back, so a broker outage
    // must not take the API down with it.
    return c.json({ ...ready, broker: publisher.connected() }, ready.ok ? 200 : 503)
  })
  return app
}

/**
 * 413 `body_too_large` beyond `maxSize` bytes. A declared length is checked from the header
 * (Node's parser holds the body to it) and the body is left to be read once, by the handler;
 * only a body of unknown length (chunked) is read through Hono's limit, which buffers it.
 */
function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = (c: Context) => errorResponse(c, 413, 'body_too_large', `the body is larger than ${maxSize} bytes`)
  const chunked = bodyLimit({ maxSize, onError: tooLarge })
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const length = c.req.header('content-length')
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return chunked(c, next)
    return Number(length) > maxSize ? Promise.resolve(tooLarge(c)) : next()
  }
}

/** Seconds a client refused by {@link admitRequests} is told to wait (`Retry-After`). */
const retryAfterSeconds = 1

/**
 * Answers 503 `unavailable` with `Retry-After` when `limit` requests are already in flight (the
 * pool's connections and the requests allowed to wait for one). The probes are always let in:
 * they answer for themselves.
 */
function admitRequests(limit: number): MiddlewareHandler {
  let inFlight = 0
  return async (c, next) => {
    if (c.req.path === routes.healthz || c.req.path === routes.readyz) return next()
    if (inFlight >= limit) {
      c.header('Retry-After', String(retryAfterSeconds))
      return errorResponse(
        c,
        503,
        'unavailable',
        'too many requests are waiting for the database, try again in a moment',
      )
    }
    inFlight++
    try {
      await next()
    } finally {
      inFlight--
    }
  }
}
