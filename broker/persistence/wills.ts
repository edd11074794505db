/**
 * Last wills, each with the broker holding the client's connection, so that the wills of a broker
 * that died can be found and published by another (`streamWill`).
 */
import { Readable } from 'node:stream'
import type { Sql } from 'postgres'
import { decodePacket, encodePacket, type Packet, type PacketColumns } from './packets.ts'

const PAGE = 200

export class Wills {
  readonly #sql: Sql

  constructor(sql: Sql) {
    this.#sql = sql
  }

  /** Stores the will, stamping it with the broker and client ids, as Aedes expects. */
  async put(brokerId: string, clientId: string, packet: Packet): Promise<void> {
    packet.brokerId = brokerId
    packet.clientId = clientId
    const columns = encodePacket(packet)
    await this.#sql`
      insert into mqtt_wills (client_id, broker_id, header, payload, payload_is_text)
      values (${clientId}, ${brokerId}, ${columns.header}, ${columns.payload}, ${columns.payload_is_text})
      on conflict (client_id) do update
        set broker_id = excluded.broker_id, header = excluded.header, payload = excluded.payload,
          payload_is_text = excluded.payload_is_text`
  }

  async get(clientId: string): Promise<Packet | undefined> {
    const [row] = await this.#sql<PacketColumns[]>`
      select header, payload, payload_is_text from mqtt_wills where client_id = ${clientId}`
    return row ? decodePacket(row) : undefined
  }

  /**
   * Deletes the will and returns it. With a broker id, only the will that broker holds: the client
   * may have reconnected to another broker since and left a new will there.
   */
  async delete(clientId: string, brokerId: string | undefined): Promise<Packet | undefined> {
    const [row] = brokerId
      ? await this.#sql<PacketColumns[]>`
          delete from mqtt_wills where client_id = ${clientId} and broker_id = ${brokerId}
          returning header, payload, payload_is_text`
      : await this.#sql<PacketColumns[]>`
          delete from mqtt_wills where client_id = ${clientId} returning header, payload, payload_is_text`
    return row ? decodePacket(row) : undefined
  }

  /** The wills held by brokers not in `alive` (broker id → last heartbeat). */
  stream(alive: Record<string, unknown>): Readable {
    const sql = this.#sql
    const brokerIds = Object.keys(alive)
    return Readable.from(
      (async function* () {
        let after = ''
        for (;;) {
          const rows = await sql<(PacketColumns & { client_id: string })[]>`
            select client_id, header, payload, payload_is_text from mqtt_wills
            where broker_id <> all(${brokerIds}::text[]) and client_id > ${after}
            order by client_id limit ${PAGE}`
          for (const row of rows) yield decodePacket(row)
          const last = rows.at(-1)
          if (!last || rows.length < PAGE) return
          after = last.client_id
        }
      })(),
    )
  }
}
