import * as v from 'valibot'
import type { Message } from './messages.ts'

/**
 * The outbox, written by functions and relayed by the broker. Each row carries a lease
 * (`lease_until`): until then the function that wrote it is publishing it, and the relay leaves
 * it alone, so a row is published twice only when something failed. The lease outlasts the
 * publisher's wait for an acknowledgement.
 */
export const outboxLeaseMs = 5000

/**
 * A message waiting in the `outbox` table, as the broker's relay reads it: functions write the
 * message's payload as UTF-8 bytes, postgres.js hands a `bigint` id over as text.
 */
export const OutboxRowSchema = v.object({
  /** Identity: rows are relayed in this order. */
  id: v.pipe(v.string(), v.digits()),
  topic: v.pipe(v.string(), v.minLength(1)),
  payload: v.instance(Uint8Array),
  qos: v.picklist([0, 1]),
  retain: v.boolean(),
})
export type OutboxRow = v.InferOutput<typeof OutboxRowSchema>

/** An outbox row as the function that wrote it holds it: its id and the message, payload as text. */
export interface OutboxEntry {
  id: OutboxRow['id']
  message: Message
}
