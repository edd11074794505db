/**
 * The statements on mqtt_outgoing. The multi-row ones take arrays (`unnest`), so that a batch of
 * any size is one prepared statement and one round trip.
 */
import type { Sql } from 'postgres'
import { byteaArray } from '../pg/arrays.ts'
import { uniqueRounds } from '../pg/batcher.ts'
import { decodeWithMessageId, encodePacket, normalizePacket, type Packet, type PacketColumns } from './packets.ts'

export interface QueuedPacket {
  clientIds: string[]
  packet: Packet
  columns: PacketColumns
}

/** A packet identifier to record on the queued copy of a message (named by broker id and counter). */
export interface SentAs {
  clientId: string
  brokerId: string
  brokerCounter: number
  messageId: number
}

export interface Acknowledged {
  clientId: string
  messageId: number
}

type OutgoingRow = PacketColumns & { id: string; message_id: number | null }

/** Appends each packet to the queues of its clients, in the order given. */
export async function insertQueued(sql: Sql, items: QueuedPacket[]): Promise<void> {
  // Each packet travels once, however many clients it is queued for.
  const clients: string[] = []
  const packetOf: number[] = []
  items.forEach((item, index) => {
    for (const clientId of item.clientIds) {
      clients.push(clientId)
      packetOf.push(index + 1)
    }
  })
  await sql`
    insert into mqtt_outgoing (client_id, broker_id, broker_counter, header, payload, payload_is_text)
    select q.client_id, p.broker_id, p.broker_counter, p.header, p.payload, p.payload_is_text
    from unnest(${clients}::text[], ${packetOf}::integer[]) with ordinality as q(client_id, packet, n)
    join unnest(
      ${items.map((item) => item.packet.brokerId ?? null)}::text[],
      ${items.map((item) => item.packet.brokerCounter ?? 0)}::bigint[],
      ${items.map((item) => item.columns.header)}::text[],
      ${byteaArray(items.map((item) => item.columns.payload))}::bytea[],
      ${sql.array(
        items.map((item) => item.columns.payload_is_text),
        16,
      )}::boolean[]
    ) with ordinality as p(broker_id, broker_counter, header, payload, payload_is_text, packet) using (packet)
    order by q.n`
}

/** Records the identifiers; returns, per item, whether its message was found. */
export async function setMessageIds(sql: Sql, items: SentAs[]): Promise<boolean[]> {
  const key = (clientId: string, brokerId: string, counter: number | string) => `${clientId}\0${brokerId}\0${counter}`
  // The first queued copy only, should a message have been queued twice for one client.
  const rows = await sql<{ client_id: string; broker_id: string; broker_counter: string }[]>`
    update mqtt_outgoing as o set message_id = r.message_id
    from unnest(
      ${items.map((item) => item.clientId)}::text[],
      ${items.map((item) => item.brokerId)}::text[],
      ${items.map((item) => item.brokerCounter)}::bigint[],
      ${items.map((item) => item.messageId)}::integer[]
    ) as r(client_id, broker_id, broker_counter, message_id)
    where o.client_id = r.client_id and o.id = (
      select q.id from mqtt_outgoing as q
      where q.client_id = r.client_id and q.broker_id = r.broker_id and q.broker_counter = r.broker_counter
      order by q.id limit 1)
    returning o.client_id, o.broker_id, o.broker_counter`
  const found = new Set(rows.map((row) => key(row.client_id, row.broker_id, row.broker_counter)))
  return items.map((item) => found.has(key(item.clientId, item.brokerId, item.brokerCounter)))
}

/**
 * Replaces the first queued packet with this identifier that another broker's message, or no
 * message, holds (a PUBREL replacing its PUBLISH). Returns whether there was one.
 */
export async function replaceByMessageId(
  sql: Sql,
  clientId: string,
  packet: Packet,
  messageId: number,
): Promise<boolean> {
  const columns = encodePacket(packet, { messageIdColumn: true })
  const brokerId = packet.brokerId ?? null
  const rows = await sql`
    update mqtt_outgoing
    set broker_id = ${brokerId}, broker_counter = ${packet.brokerCounter ?? null}, message_id = ${messageId},
      header = ${columns.header}, payload = ${columns.payload}, payload_is_text = ${columns.payload_is_text}
    where client_id = ${clientId} and id = (
      select id from mqtt_outgoing
      where client_id = ${clientId} and message_id = ${messageId} and broker_id is distinct from ${brokerId}
      order by id limit 1)
    returning id`
  return rows.length > 0
}

/** Queues a message that is being sent under `messageId`. */
export async function insertSent(sql: Sql, clientId: string, original: Packet, messageId: number): Promise<void> {
  const packet = normalizePacket(original)
  const columns = encodePacket(packet, { messageIdColumn: true })
  await sql`
    insert into mqtt_outgoing (client_id, broker_id, broker_counter, message_id, header, payload, payload_is_text)
    values (${clientId}, ${packet.brokerId ?? null}, ${packet.brokerCounter ?? 0}, ${messageId},
      ${columns.header}, ${columns.payload}, ${columns.payload_is_text})`
}

/**
 * Deletes, per item, the first queued packet with that identifier; returns them (undefined: none,
 * or not `readBack`).
 */
export async function deleteAcknowledged(
  sql: Sql,
  items: Acknowledged[],
  readBack = true,
): Promise<(Packet | undefined)[]> {
  const results: (Packet | undefined)[] = items.map(() => undefined)
  const indexed = items.map((item, index) => ({ ...item, index }))
  // Two acknowledgements of one identifier in one batch must take two rows, not the same one twice.
  for (const round of uniqueRounds(indexed, (item) => `${item.clientId}\0${item.messageId}`)) {
    const rows = await sql<(OutgoingRow & { n: string })[]>`
      with r as (
        select * from unnest(${round.map((item) => item.clientId)}::text[], ${round.map((item) => item.messageId)}::integer[])
          with ordinality as r(client_id, message_id, n)
      ), target as (
        select r.n, r.client_id, (
          select q.id from mqtt_outgoing as q
          where q.client_id = r.client_id and q.message_id = r.message_id
          order by q.id limit 1) as id
        from r
      )
      delete from mqtt_outgoing as o using target as t
      where o.client_id = t.client_id and o.id = t.id
      returning t.n${readBack ? sql`, o.id, o.message_id, o.header, o.payload, o.payload_is_text` : sql``}`
    if (!readBack) continue
    for (const row of rows) {
      const item = round[Number(row.n) - 1]
      if (item) results[item.index] = decodeWithMessageId(row)
    }
  }
  return results
}

/**
 * Deletes, per item, the queued copy of a message by its name, and returns it under the
 * identifier it was acknowledged with: for a message sent and acknowledged before its identifier
 * was even stored, which then never needs to be.
 */
export async function deleteSentAndAcknowledged(
  sql: Sql,
  items: SentAs[],
  readBack = true,
): Promise<(Packet | undefined)[]> {
  const results: (Packet | undefined)[] = items.map(() => undefined)
  const indexed = items.map((item, index) => ({ ...item, index }))
  for (const round of uniqueRounds(indexed, (item) => `${item.clientId}\0${item.brokerId}\0${item.brokerCounter}`)) {
    const rows = await sql<(OutgoingRow & { n: string })[]>`
      with r as (
        select * from unnest(
          ${round.map((item) => item.clientId)}::text[],
          ${round.map((item) => item.brokerId)}::text[],
          ${round.map((item) => item.brokerCounter)}::bigint[]
        ) with ordinality as r(client_id, broker_id, broker_counter, n)
      ), target as (
        select r.n, r.client_id, (
          select q.id from mqtt_outgoing as q
          where q.client_id = r.client_id and q.broker_id = r.broker_id and q.broker_counter = r.broker_counter
          order by q.id limit 1) as id
        from r
      )
      delete from mqtt_outgoing as o using target as t
      where o.client_id = t.client_id and o.id = t.id
      returning t.n${readBack ? sql`, o.id, o.message_id, o.header, o.payload, o.payload_is_text` : sql``}`
    if (!readBack) continue
    for (const row of rows) {
      const item = round[Number(row.n) - 1]
      if (item) results[item.index] = { ...decodeWithMessageId(row), messageId: item.messageId }
    }
  }
  return results
}

/**
 * Deletes the oldest queued messages of the client beyond the newest `keep`; returns how many.
 * Walks the primary key backwards from the newest row: `keep` index entries, whatever the queue.
 */
export async function trimQueue(sql: Sql, clientId: string, keep: number): Promise<number> {
  const rows = await sql`
    delete from mqtt_outgoing
    where client_id = ${clientId} and id <= (
      select id from mqtt_outgoing where client_id = ${clientId} order by id desc offset ${keep} limit 1)
    returning 1`
  return rows.length
}

/** A row of a queue as stored, for the caller to decode (and quarantine when it cannot). */
export type QueuedRow = OutgoingRow

/**
 * The client's queue up to its last message at the time of the call, as the in-memory persistence
 * gives a copy of the queue. Pages rather than a cursor: a cursor would hold a pooled connection
 * for as long as the client takes to read, while the client's acknowledgements need connections.
 */
export async function* readQueue(sql: Sql, clientId: string, pageSize: number): AsyncGenerator<QueuedRow> {
  const [bounds] = await sql<{ last: string | null }[]>`
    select max(id) as last from mqtt_outgoing where client_id = ${clientId}`
  const last = bounds?.last
  if (!last) return
  const page = (after: string) => sql<OutgoingRow[]>`
    select id, message_id, header, payload, payload_is_text from mqtt_outgoing
    where client_id = ${clientId} and id > ${after} and id <= ${last} order by id limit ${pageSize}`
  let next = page('0')
  for (;;) {
    const rows = await next
    const tail = rows.at(-1)
    // Ask for the next page while this one is being read.
    if (tail && rows.length === pageSize) {
      next = page(tail.id)
      next.catch(() => {})
    }
    yield* rows
    if (!tail || rows.length < pageSize) return
  }
}
