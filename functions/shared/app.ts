import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import type { Sql } from 'postgres'
import type { Logger } from '../../runtime/logger.ts'
import type { OverloadLimits } from './admission.ts'
import { errorBody, errorHandler } from './errors.ts'
import type { Publisher } from './publisher.ts'
import type { RateLimit } from './rate-limit.ts'

/** What every function is built from. */
export interface FunctionDeps {
  sql: Sql
  publisher: Publisher
  barToken: string
  log: Logger
  /** Limits on placing orders; the defaults of `defaultOrderLimits` when omitted. */
  orderLimits?: OrderLimits
  /** Whether X-Forwarded-For comes from our own ingress. Default false. */
  trustProxy?: boolean
  /** Whether the public ticker shows nicknames. Default true. */
  tickerNicknames?: boolean
  /** When new orders are refused with 503; `defaultOverloadLimits` when omitted. */
  overloadLimits?: OverloadLimits
}

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

/** The answer to a path no function serves. */
export function notFound(c: Context): Response {
  return c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404)
}

/** Largest request body accepted, per the spec. */
export const MAX_BODY_BYTES = 4 * 1024

/**
 * A Hono app with what every function shares: request ids, the body limit, the error shape,
 * `/api/healthz` (the process runs) and `/api/readyz` (Postgres answers; the broker's state is
 * reported but does not make a function unready).
 */
export function createBaseApp({ sql, publisher, log }: FunctionDeps): Hono {
  const app = new Hono()
  app.use(requestId())
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody('body_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`), 413),
    }),
  )
  app.onError(errorHandler(log))
  app.notFound(notFound)
  app.get('/api/healthz', (c) => c.json({ ok: true }))
  app.get('/api/readyz', async (c) => {
    const database = await sql`select 1`.then(
      () => true,
      () => false,
    )
    // Ready without the broker: orders wait in the outbox until it is back, so a broker outage
    // must not take the API down with it.
    const broker = publisher.connected()
    return c.json({ ok: database, database, broker }, database ? 200 : 503)
  })
  return app
}
