import type { Sql, TransactionSql } from 'postgres'
import { type Message, type OutboxEntry, outboxLeaseMs } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'
import type { Publisher } from './publisher.ts'

/**
 * Writes messages to the outbox inside the transaction of the change they announce, leased to
 * this process for `outboxLeaseMs` (the relay leaves them alone meanwhile). One statement
 * whatever the number of messages.
 */
export async function enqueue(tx: TransactionSql, messages: Message[]): Promise<OutboxEntry[]> {
  if (messages.length === 0) return []
  const rows = await tx<{ id: string }[]>`
    insert into outbox (topic, payload, qos, retain, lease_until)
    select topic, convert_to(payload, 'UTF8'), qos, retain, clock_timestamp() + ${outboxLeaseMs} * interval '1 millisecond'
    from unnest(
      ${tx.array(messages.map((m) => m.topic))}::text[], ${tx.array(messages.map((m) => m.payload))}::text[],
      ${tx.array(messages.map((m) => m.qos))}::smallint[], ${tx.array(messages.map((m) => m.retain))}::boolean[]
    ) as m(topic, payload, qos, retain)
    returning id`
  // Identity values follow the order rows were inserted in, which is the order of the arrays.
  const ids = rows.map((row) => BigInt(row.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return ids.map((id, index) => ({ id: String(id), message: messages[index] as Message }))
}

/** Acknowledged outbox rows waiting to be deleted, per pool: one statement per event-loop turn. */
const clearing = new WeakMap<Sql, { ids: string[]; log: Logger }>()

function clearLater(sql: Sql, ids: string[], log: Logger): void {
  const pending = clearing.get(sql)
  if (pending) {
    pending.ids.push(...ids)
    return
  }
  clearing.set(sql, { ids: [...ids], log })
  setImmediate(async () => {
    const batch = clearing.get(sql)
    clearing.delete(sql)
    if (!batch) return
    try {
      await sql`delete from outbox where id = any(${batch.ids}::bigint[])`
    } catch (error) {
      // Their lease runs out and the relay publishes them once more; consumers drop duplicates by order id.
      batch.log.warn(`could not clear the outbox: ${(error as Error).message}`)
    }
  })
}

/**
 * Publishes committed outbox entries in order and deletes the ones the broker acknowledged.
 * Never throws: what stays in the outbox is relayed by the broker once its lease ran out.
 */
export async function flush(sql: Sql, publisher: Publisher, entries: OutboxEntry[], log: Logger): Promise<void> {
  // Handed to the client together: they leave on one connection in this order, and their
  // acknowledgements are awaited together instead of one round trip each.
  const results = await Promise.allSettled(entries.map(({ message }) => publisher.publish(message)))
  const sent = entries.filter((_, index) => results[index]?.status === 'fulfilled').map((entry) => entry.id)
  const failed = results.find((result) => result.status === 'rejected')
  if (failed) {
    log.warn(`left ${entries.length - sent.length} message(s) to the outbox relay: ${(failed.reason as Error).message}`)
  }
  if (sent.length > 0) clearLater(sql, sent, log)
}
