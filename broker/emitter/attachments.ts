/**
 * Messages too large for NOTIFY (its payload must stay under 8000 bytes) are written to
 * mqtt_emitter_attachments; the NOTIFY carries the row id. Every replica reads the row when the
 * notification arrives, so a row is only needed for a short while: rows older than the TTL are
 * deleted by whichever replica's cleanup runs (deleting twice is harmless).
 */
import type { Sql } from 'postgres'
import { byteaArray } from '../pg/arrays.ts'
import type { Logger } from '../pg/listener.ts'
import type { Attachment } from './wire.ts'

/** Inserts the rows in one statement and returns their ids, in the same order. */
export async function insertAttachments(sql: Sql, rows: Attachment[]): Promise<string[]> {
  const inserted = await sql<{ id: string }[]>`
    insert into mqtt_emitter_attachments (header, kind, body)
    select header, kind, body
    from unnest(
      ${rows.map((row) => row.header)}::text[],
      ${rows.map((row) => row.kind)}::text[],
      ${byteaArray(rows.map((row) => row.body))}::bytea[]
    ) with ordinality as r(header, kind, body, n)
    order by n
    returning id`
  // Identity values follow the insertion order, which follows `n`.
  return inserted.map((row) => row.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
}

export async function readAttachment(sql: Sql, id: string): Promise<Attachment | null> {
  const [row] = await sql<Attachment[]>`select header, kind, body from mqtt_emitter_attachments where id = ${id}`
  return row ?? null
}

/** Deletes rows older than `ttl` ms every `interval` ms until stopped. */
export function startAttachmentCleanup(
  sql: Sql,
  { ttl, interval, logger }: { ttl: number; interval: number; logger: Logger },
): () => void {
  const timer = setInterval(() => {
    sql`delete from mqtt_emitter_attachments where created_at < now() - ${ttl}::integer * interval '1 millisecond'`.catch(
      (error: Error) => logger.warn(`emitter: attachment cleanup failed: ${error.message}`),
    )
  }, interval)
  timer.unref()
  return () => clearInterval(timer)
}
