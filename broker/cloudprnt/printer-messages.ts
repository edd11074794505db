import type { Sql } from 'postgres'
import * as v from 'valibot'
import {
  ClientStatusSchema,
  ClientWillSchema,
  decodeStatusCode,
  PrintResultSchema,
  statusCodeOk,
} from '../../contract/index.ts'

/** The MAC and method of a `star/cloudprnt/to-server/<mac>/<method>` topic. */
function parseTopic(topic: string): { mac: string; method: string } | null {
  const [star, cloudprnt, toServer, mac, method, ...rest] = topic.split('/')
  if (star !== 'star' || cloudprnt !== 'cloudprnt' || toServer !== 'to-server' || rest.length > 0) return null
  return mac && method ? { mac, method } : null
}

/**
 * Keeps what a printer says of itself ("MQTT Message Payload Specification", printer to
 * server) where the bar status reads it: its last `client-status` code, and its last failed
 * `print-result` until a job prints again. A will changes nothing stored (whether the printer is
 * connected is the broker's to know) but is a change the bar must see. Returns whether anything
 * the bar shows may have changed. The broker let only the printer itself publish here.
 */
export async function handlePrinterMessage(sql: Sql, topic: string, text: string): Promise<boolean> {
  const parsed = parseTopic(topic)
  if (!parsed) return false
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return false
  }
  const { mac, method } = parsed
  if (method === 'client-status') {
    const status = v.safeParse(ClientStatusSchema, body)
    if (!status.success) return false
    const code = decodeStatusCode(status.output.statusCode)
    await sql`update cloudprnt_printers set status_code = ${code}, status_at = now() where mac = ${mac}`
    return true
  }
  if (method === 'print-result') {
    const result = v.safeParse(PrintResultSchema, body)
    if (!result.success) return false
    const code = decodeStatusCode(result.output.statusCode)
    const token = result.output.jobToken ?? null
    const ok = result.output.printSucceeded ?? statusCodeOk(code)
    if (token) {
      // A repeated token is refused by the printer with a code of its own: the job itself printed.
      const [job] = await sql<{ result_code: string | null }[]>`
        select result_code from cloudprnt_jobs where mac = ${mac} and order_id::text = ${token}`
      if (!ok && job?.result_code && statusCodeOk(job.result_code)) return false
      await sql`update cloudprnt_jobs set result_code = ${code} where mac = ${mac} and order_id::text = ${token}`
    }
    if (ok) await sql`update cloudprnt_printers set failure_code = null, failure_token = null where mac = ${mac}`
    else await sql`update cloudprnt_printers set failure_code = ${code}, failure_token = ${token} where mac = ${mac}`
    return true
  }
  return method === 'client-will' && v.is(ClientWillSchema, body)
}
