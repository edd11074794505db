import type { Context } from 'hono'
import * as v from 'valibot'
import { Refusal } from './errors.ts'

/** Reads a JSON body and validates it: 415 when it is not JSON, 400 when malformed or invalid. */
export async function readJson<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new Refusal(415, 'unsupported_media_type', 'send the body as application/json')
  }
  let body: unknown
  try {
    body = JSON.parse(await c.req.text())
  } catch {
    throw new Refusal(400, 'malformed_json', 'the body is not valid JSON')
  }
  return check(schema, body)
}

/** Validates a value (a body, a query) against a schema; 400 `invalid_input` listing every issue. */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value)
  if (result.success) return result.output
  const issues = result.issues.map((issue) => ({
    path: v.getDotPath(issue) ?? '',
    message: issue.message,
  }))
  const first = issues[0]
  const summary = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'invalid input'
  throw new Refusal(400, 'invalid_input', summary, issues)
}
