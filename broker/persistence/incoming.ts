/**
 * Incoming QoS 2 packets, held between PUBREC and PUBREL so that a PUBLISH sent again with the
 * same identifier is not delivered twice [MQTT-4.3.3-2]. Keyed by client and identifier: cleaning a
 * client touches that client's rows only, never those of a client whose id merely starts the same.
 */
import type { Sql } from 'postgres'
import { decodeWithMessageId, encodePacket, normalizePacket, type Packet, type PacketColumns } from './packets.ts'

type IncomingRow = PacketColumns & { message_id: number }

export class IncomingPackets {
  readonly #sql: Sql

  constructor(sql: Sql) {
    this.#sql = sql
  }

  async store(clientId: string, original: Packet): Promise<void> {
    const messageId = requireMessageId(original)
    const packet = normalizePacket(original)
    const columns = encodePacket(packet, { messageIdColumn: true })
    await this.#sql`
      insert into mqtt_incoming (client_id, message_id, header, payload, payload_is_text)
      values (${clientId}, ${messageId}, ${columns.header}, ${columns.payload}, ${columns.payload_is_text})
      on conflict (client_id, message_id) do update
        set header = excluded.header, payload = excluded.payload, payload_is_text = excluded.payload_is_text`
  }

  async get(clientId: string, packet: Packet): Promise<Packet> {
    const messageId = requireMessageId(packet)
    const [row] = await this.#sql<IncomingRow[]>`
      select message_id, header, payload, payload_is_text from mqtt_incoming
      where client_id = ${clientId} and message_id = ${messageId}`
    if (!row) throw new Error('no such packet')
    return decodeWithMessageId(row)
  }

  async delete(clientId: string, packet: Packet): Promise<void> {
    const messageId = requireMessageId(packet)
    const rows = await this.#sql`
      delete from mqtt_incoming where client_id = ${clientId} and message_id = ${messageId} returning 1`
    if (rows.length === 0) throw new Error('no such packet')
  }

  /** Forgets every packet of the client (a clean session ends) [MQTT-3.1.2-6]. */
  async clean(clientId: string): Promise<void> {
    await this.#sql`delete from mqtt_incoming where client_id = ${clientId}`
  }
}

function requireMessageId(packet: Packet): number {
  if (typeof packet?.messageId !== 'number') throw new Error('no such packet')
  return packet.messageId
}
