import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import type { Logger } from '../../runtime/logger.ts'
import { tryAgainIn } from './admission.ts'
import { errorBody } from './errors.ts'
import type { FunctionMetrics } from './metrics.ts'

/** Says why a route is refusing now, or null while it takes requests. */
export type RefusalReason = () => string | null

/** A route refused early. */
export interface EarlyGuard {
  method: string
  /** The path, without a query. */
  path: string
  /** Requests of the route under way at once, at most; the next ones are refused. */
  maxInFlight: number
  /** Why the route refuses now, beyond its bound of requests in flight; null while it takes them. */
  reason: RefusalReason
  retryAfterSeconds: number
}

/**
 * Refusals that cost what a bare `node:http` answer costs. A guarded route's requests get 503
 * `overloaded` with `Retry-After` from the server's request event, before their body is read and
 * before Hono, validation and the request log, once `maxInFlight` of them are under way or while
 * its `reason` gives one. In a rush most requests are refused; at the price of a whole request
 * each, the refusals would themselves keep the process behind, and the orders it takes would
 * wait behind them, unread, where no bound of ours sees them (BENCHMARKS.md, "Refusing early").
 *
 * The refusals are counted in the request metrics and logged as one line a second, not one per
 * request: under a rush the log would otherwise be most of the work.
 */
export interface EarlyRefusals {
  guard(guard: EarlyGuard): void
  /** The server's request listener, behind the refusals. */
  wrap(listener: RequestListener): RequestListener
}

interface Guarded extends EarlyGuard {
  inFlight: number
  retryAfter: string
  /** The body of each reason's answer, built once: a rush repeats the same few. */
  bodies: Map<string, string>
}

/** Reasons whose answer a guard keeps built, at most (they are constants of the code). */
const maxKeptBodies = 16

/** How often the refusals of a rush are summed up in the log. */
const summaryIntervalMs = 1000
const tooMany = 'too many orders are under way'

export function createEarlyRefusals({ log, metrics }: { log: Logger; metrics?: FunctionMetrics }): EarlyRefusals {
  const guards: Guarded[] = []
  let refused = 0
  let lastReason = ''

  const summarise = () => {
    log.warn(`refused ${refused} request(s) early in the last second: ${lastReason}`, { refused, status: 503 })
    refused = 0
  }

  const answer = (guard: Guarded, why: string, res: ServerResponse) => {
    let body = guard.bodies.get(why)
    if (body === undefined) {
      body = JSON.stringify(errorBody('overloaded', tryAgainIn(why, guard.retryAfterSeconds)))
      if (guard.bodies.size < maxKeptBodies) guard.bodies.set(why, body)
    }
    res.writeHead(503, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'retry-after': guard.retryAfter,
      'x-request-id': randomUUID(),
    })
    // The body is not read; Node discards it before the connection's next request.
    res.end(body)
    metrics?.request(guard.method, guard.path, 503, 0)
    metrics?.orderRefused('overloaded')
    lastReason = why
    // The first refusal since the last summary starts the next one.
    if (refused++ === 0) setTimeout(summarise, summaryIntervalMs).unref()
  }

  const guardOf = (req: IncomingMessage): Guarded | undefined => {
    if (guards.length === 0) return undefined
    const url = req.url ?? ''
    const end = url.indexOf('?')
    const path = end === -1 ? url : url.slice(0, end)
    return guards.find((guard) => guard.method === req.method && guard.path === path)
  }

  return {
    guard(guard) {
      guards.push({ ...guard, inFlight: 0, retryAfter: String(guard.retryAfterSeconds), bodies: new Map() })
    },
    wrap(listener) {
      return (req, res) => {
        const guard = guardOf(req)
        if (!guard) return listener(req, res)
        const why = guard.inFlight >= guard.maxInFlight ? tooMany : guard.reason()
        if (why) return answer(guard, why, res)
        guard.inFlight++
        res.once('close', () => guard.inFlight--)
        listener(req, res)
      }
    },
  }
}

/** `node:http`'s createServer for `serve` of @hono/node-server, with `refusals` before its listener. */
export function refusingServer({ earlyRefusals }: { earlyRefusals?: EarlyRefusals | undefined }): typeof createServer {
  const create = (options: object, listener?: RequestListener) =>
    createServer(options, listener && earlyRefusals ? earlyRefusals.wrap(listener) : listener)
  return create as typeof createServer
}
