import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorBody, ErrorCode } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'

type Issue = NonNullable<ErrorBody['error']['issues']>[number]

/** An expected failure, a request refused: becomes `{error: {code, message, issues}}` with its status. */
export class Refusal extends HTTPException {
  readonly code: ErrorCode
  readonly issues: Issue[] | undefined

  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, issues?: Issue[]) {
    super(status, { message })
    this.code = code
    this.issues = issues
  }
}

/** The one error handler: expected failures as the spec's error shape, anything else a logged 500. */
export function errorHandler(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof Refusal) return errorResponse(c, err.status, err.code, err.message, err.issues)
    if (err instanceof HTTPException) {
      const code = err.status === 413 ? 'body_too_large' : err.status === 401 ? 'unauthorized' : 'http_error'
      return errorResponse(c, err.status, code, err.message || 'request refused')
    }
    const requestId = c.get('requestId' as never) as string | undefined
    if (isUnavailable(err)) {
      log.error(`[${requestId}] dependency unavailable: ${err.message}`)
      return errorResponse(c, 503, 'unavailable', 'the database is not reachable, try again in a moment')
    }
    log.error(`[${requestId}] ${c.req.method} ${c.req.path} failed:`, err)
    return errorResponse(c, 500, 'internal', `something went wrong on our side (request ${requestId})`)
  }
}

/** Where an error response's code is kept on the context, for the request log. */
export const errorCodeKey = 'errorCode' as never

/** An error response in the spec's shape; its code is kept on the context, so the log need not read the body back. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  issues?: Issue[],
): Response {
  c.set(errorCodeKey, code as never)
  return c.json(errorBody(code, message, issues), status)
}

export function errorBody(code: ErrorCode, message: string, issues?: Issue[]): ErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } }
}

/**
 * Whether `err` says the database cannot be reached now (a retry later may succeed): the socket
 * failed, postgres.js lost or could not open the connection, or Postgres refused or ended it
 * (SQLSTATE class 08, 57P01-57P03 shutdown and starting up, 53300 too many connections).
 */
function isUnavailable(err: Error & { code?: unknown }): boolean {
  const code = String(err.code)
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code) ||
    ['CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED'].includes(code) ||
    ['57P01', '57P02', '57P03', '53300'].includes(code) ||
    /^08[0-9A-Z]{3}$/.test(code)
  )
}
