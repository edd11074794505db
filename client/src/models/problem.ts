import { ApiError } from '../lib/api-client.ts'

/** What went wrong, by code; the view words it (`error_<code>`), else shows the server's message. */
export interface Problem {
  code: string
  message: string
}

export function toProblem(error: unknown): Problem {
  return error instanceof ApiError
    ? { code: error.code, message: error.message }
    : { code: 'unknown', message: error instanceof Error ? error.message : String(error) }
}
