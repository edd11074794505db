import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { routes } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'
import { errorCodeKey, Refusal } from './errors.ts'
import type { FunctionMetrics } from './metrics.ts'

export interface ObserveDeps {
  log: Logger
  /** Counted only when given. */
  metrics?: FunctionMetrics | undefined
}

const pageRoute = '/*'
// Probes come every few seconds from the cluster, and the page's assets with every visit:
// counted, not logged, while they succeed.
const quietRoutes: ReadonlySet<string> = new Set(['/api/healthz', '/api/readyz', pageRoute])

/** Where a handler keeps the id of the order it answers with, for the request log. */
export const orderIdKey = 'orderId' as never

const orderPath = /^\/api\/orders\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i

/**
 * Registered first on every function: one log line per request (request id, route, status, time,
 * the order id where there is one) and the request metrics. Never a header, a query or a body:
 * they carry tokens, guest ids and notes.
 */
export function observeRequests({ log, metrics }: ObserveDeps): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const seconds = (performance.now() - started) / 1000
    const { method } = c.req
    const { status } = c.res
    const route = routeOf(c)
    metrics?.request(method, route, status, seconds)

    const placing = method === 'POST' && route === routes.orders
    let orderId = orderPath.exec(c.req.path)?.[1]
    let error: string | undefined
    if (status >= 400) error = (c.get(errorCodeKey) as string | undefined) ?? (await errorCode(c))
    else if (placing) orderId = c.get(orderIdKey) as string | undefined
    if (placing && status === 201) metrics?.orderPlaced()
    if (placing && error) metrics?.orderRefused(error)

    const fields = {
      requestId: c.get('requestId' as never) as string | undefined,
      method,
      route,
      status,
      ms: Math.round(seconds * 1000),
      ...(orderId ? { orderId } : {}),
      ...(error ? { error } : {}),
    }
    const line = `${method} ${route} ${status}`
    if (status >= 500) log.error(line, fields)
    else if (!quietRoutes.has(route)) log.info(line, fields)
  }
}

/**
 * The route as registered (`/api/orders/:id`), so labels stay few; `/*` for the page in the
 * all-in-one server; `unmatched` for a 404 of no route.
 */
function routeOf(c: Context): string {
  const routes = matchedRoutes(c)
  const handler = routes.filter((route) => route.method !== 'ALL').at(-1)
  if (handler) return handler.path
  return c.res.status !== 404 && routes.at(-1)?.path === pageRoute ? pageRoute : 'unmatched'
}

/** The spec's error code of a refusal, from the error thrown or else from the body. */
async function errorCode(c: Context): Promise<string> {
  if (c.error instanceof Refusal) return c.error.code
  const body = (await c.res
    .clone()
    .json()
    .catch(() => null)) as { error?: { code?: unknown } } | null
  return typeof body?.error?.code === 'string' ? body.error.code : 'unknown'
}
