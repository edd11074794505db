/**
 * Last wills, each with the broker holding the client's connection, so that the wills of a broker
 * that died can be found and published by another (`streamWill`), and with the identity of the
 * client that left it, so that the will is authorised as that client even when the broker
 * publishing it never saw the client (Aedes then asks with no client at all).
 */
import { Readable } from 'node:stream'
import type { Sql } from 'postgres'
import { decodePacket, encodePacket, type Packet, type PacketColumns } from './packets.ts'

const PAGE = 200

/**
 * The owner of a will packet: set by the broker before `putWill`, read back from the row. Kept
 * beside the packet rather than in it, so that it never travels with the message.
 */
const owners = new WeakMap<object, string>()

/** The identity that left this will, if known. */
export function willOwner(packet: object): string | undefined {
  return owners.get(packet)
}

/** Records who leaves this will; `putWill` stores it with the packet. */
export function setWillOwner(packet: object, owner: string): void {
  owners.set(packet, owner)
}

type WillColumns = PacketColumns & { owner: string | null }

function decodeWill(row: WillColumns): Packet {
  const packet = decodePacket(row)
  if (row.owner !== null) owners.set(packet, row.owner)
  return packet
}

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
    const owner = owners.get(packet) ?? null
    await this.#sql`
      insert into mqtt_wills (client_id, broker_id, header, payload, payload_is_text, owner)
      values (${clientId}, ${brokerId}, ${columns.header}, ${columns.payload}, ${columns.payload_is_text}, ${owner})
      on conflict (client_id) do update
        set broker_id = excluded.broker_id, header = excluded.header, payload = excluded.payload,
          payload_is_text = excluded.payload_is_text, owner = excluded.owner`
  }

  async get(clientId: string): Promise<Packet | undefined> {
    const [row] = await this.#sql<WillColumns[]>`
      select header, payload, payload_is_text, owner from mqtt_wills where client_id = ${clientId}`
    return row ? decodeWill(row) : undefined
  }

  /**
   * Deletes the will and returns it. With a broker id, only the will that broker holds: the client
   * may have reconnected to another broker since and left a new will there.
   */
  async delete(clientId: string, brokerId: string | undefined): Promise<Packet | undefined> {
    const [row] = brokerId
      ? await this.#sql<WillColumns[]>`
          delete from mqtt_wills where client_id = ${clientId} and broker_id = ${brokerId}
          returning header, payload, payload_is_text, owner`
      : await this.#sql<WillColumns[]>`
          delete from mqtt_wills where client_id = ${clientId} returning header, payload, payload_is_text, owner`
    return row ? decodeWill(row) : undefined
  }

  /** The wills held by brokers not in `alive` (broker id → last heartbeat). */
  stream(alive: Record<string, unknown>): Readable {
    const sql = this.#sql
    const brokerIds = Object.keys(alive)
    return Readable.from(
      (async function* () {
        let after = ''
        for (;;) {
          const rows = await sql<(WillColumns & { client_id: string })[]>`
            select client_id, header, payload, payload_is_text, owner from mqtt_wills
            where broker_id <> all(${brokerIds}::text[]) and client_id > ${after}
            order by client_id limit ${PAGE}`
          for (const row of rows) yield decodeWill(row)
          const last = rows.at(-1)
          if (!last || rows.length < PAGE) return
          after = last.client_id
        }
      })(),
    )
  }
}
