import type { Sql, TransactionSql } from 'postgres'
import type { Message } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'
import type { Publisher } from './publisher.ts'

export interface OutboxEntry {
  id: string
  message: Message
}

/** Writes messages to the outbox inside the transaction of the change they announce. */
export async function enqueue(tx: TransactionSql, messages: Message[]): Promise<OutboxEntry[]> {
  if (messages.length === 0) return []
  const rows = messages.map((m) => ({ topic: m.topic, payload: Buffer.from(m.payload), qos: m.qos, retain: m.retain }))
  const ids = await tx<
    { id: string }[]
  >`insert into outbox ${tx(rows, 'topic', 'payload', 'qos', 'retain')} returning id`
  return ids.map((row, index) => ({ id: row.id, message: messages[index] as Message }))
}

/**
 * Publishes committed outbox entries in order and deletes the ones the broker acknowledged.
 * Never throws: what stays in the outbox is relayed by the broker within seconds.
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
  if (sent.length === 0) return
  try {
    await sql`delete from outbox where id in ${sql(sent)}`
  } catch (error) {
    // They will be relayed once more; consumers drop duplicates by order id.
    log.warn(`could not clear the outbox: ${(error as Error).message}`)
  }
}
