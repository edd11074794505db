import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorBody, ErrorCode } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'

type Issue = NonNullable<ErrorBody['error']['issues']>[number]

/** An expected failure: becomes `{error: {code, message, issues}}` with its status. */
export class ApiError extends HTTPException {
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
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.issues), err.status)
    if (err instanceof HTTPException) {
      const code = err.status === 413 ? 'body_too_large' : err.status === 401 ? 'unauthorized' : 'http_error'
      return c.json(errorBody(code, err.message || 'request refused'), err.status)
    }
    const requestId = c.get('requestId' as never) as string | undefined
    if (isUnavailable(err)) {
      log.error(`[${requestId}] dependency unavailable: ${err.message}`)
      return c.json(errorBody('unavailable', 'the database is not reachable, try again in a moment'), 503)
    }
    log.error(`[${requestId}] ${c.req.method} ${c.req.path} failed:`, err)
    return c.json(errorBody('internal', `something went wrong on our side (request ${requestId})`), 500)
  }
}

export function errorBody(code: ErrorCode, message: string, issues?: Issue[]): ErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } }
}

function isUnavailable(err: Error & { code?: unknown }): boolean {
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'CONNECT_TIMEOUT',
    'CONNECTION_CLOSED',
    'CONNECTION_ENDED',
    '57P01',
    '57P03',
  ].includes(String(err.code))
}
