/**
 * Last wills, each with the broker holding the client's connection, so that the wills of a broker
 * that died can be found and published by another (`streamWill`), and with the identity of the
 * client that left it, so that the will is authorised as that client even when the broker
 * publishing it never saw the client (Aedes then asks with no client at all).
 *
 * A stored will that cannot be published must not come back forever: Aedes publishes the wills
 * of dead brokers every few heartbeats and stops at the first failure, so one bad will would
 * fail every round, and before the broker handled that error, end the process at each start.
 * A will that is unpublishable on its face is quarantined when read; one that Aedes was handed
 * `maxWillAttempts` times without deleting it (its publication failed or was refused each time)
 * is quarantined at the next read.
 */
import { Readable } from 'node:stream'
import type { Sql } from 'postgres'
import {
  decodePacket,
  encodePacket,
  isStorableText,
  type Packet,
  type PacketColumns,
  UnstorableTextError,
  unpublishable,
} from './packets.ts'
import type { Quarantine } from './quarantine.ts'

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
  readonly #quarantine: Quarantine
  readonly #maxAttempts: number
  /** How often each dead broker's will (client and broker id) was handed to Aedes. */
  readonly #attempts = new Map<string, number>()

  constructor(sql: Sql, { quarantine, maxAttempts }: { quarantine: Quarantine; maxAttempts: number }) {
    this.#sql = sql
    this.#quarantine = quarantine
    this.#maxAttempts = maxAttempts
  }

  /** Stores the will, stamping it with the broker and client ids, as Aedes expects. */
  async put(brokerId: string, clientId: string, packet: Packet): Promise<void> {
    if (!isStorableText(clientId)) throw new UnstorableTextError('the client id')
    const problem = unpublishable(packet)
    if (problem) throw new Error(`persistence: a will that cannot be published (${problem}) is not stored`)
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
    if (!isStorableText(clientId)) return undefined
    const [row] = await this.#sql<WillColumns[]>`
      select header, payload, payload_is_text, owner from mqtt_wills where client_id = ${clientId}`
    return row ? decodeWill(row) : undefined
  }

  /**
   * Deletes the will and returns it. With a broker id, only the will that broker holds: the client
   * may have reconnected to another broker since and left a new will there.
   */
  async delete(clientId: string, brokerId: string | undefined): Promise<Packet | undefined> {
    if (!isStorableText(clientId) || (brokerId !== undefined && !isStorableText(brokerId))) return undefined
    if (brokerId) this.#attempts.delete(`${clientId}\0${brokerId}`)
    const [row] = brokerId
      ? await this.#sql<WillColumns[]>`
          delete from mqtt_wills where client_id = ${clientId} and broker_id = ${brokerId}
          returning header, payload, payload_is_text, owner`
      : await this.#sql<WillColumns[]>`
          delete from mqtt_wills where client_id = ${clientId} returning header, payload, payload_is_text, owner`
    try {
      return row ? decodeWill(row) : undefined
    } catch {
      // Deleted all the same: an unreadable will has nothing to give back.
      return undefined
    }
  }

  /** The publishable wills held by brokers not in `alive` (broker id → last heartbeat). */
  stream(alive: Record<string, unknown>): Readable {
    const brokerIds = Object.keys(alive)
    return Readable.from(this.#publishable(brokerIds))
  }

  async *#publishable(brokerIds: string[]): AsyncGenerator<Packet> {
    let after = ''
    for (;;) {
      const rows = await this.#sql<(WillColumns & { client_id: string; broker_id: string })[]>`
        select client_id, broker_id, header, payload, payload_is_text, owner from mqtt_wills
        where broker_id <> all(${brokerIds}::text[]) and client_id > ${after}
        order by client_id limit ${PAGE}`
      for (const row of rows) {
        const packet = await this.#checked(row)
        if (packet) yield packet
      }
      const last = rows.at(-1)
      if (!last || rows.length < PAGE) return
      after = last.client_id
    }
  }

  /** The will of the row, or undefined when it was quarantined instead. */
  async #checked(row: WillColumns & { client_id: string; broker_id: string }): Promise<Packet | undefined> {
    const key = `${row.client_id}\0${row.broker_id}`
    const attempts = (this.#attempts.get(key) ?? 0) + 1
    let problem: string | null
    let packet: Packet | undefined
    try {
      packet = decodeWill(row)
      problem = unpublishable(packet)
    } catch (error) {
      problem = `cannot be read: ${(error as Error).message}`
    }
    if (!problem && attempts > this.#maxAttempts) problem = `not published after ${this.#maxAttempts} attempts`
    if (problem) {
      this.#attempts.delete(key)
      await this.#quarantine.will(row.client_id, row.broker_id, problem)
      return undefined
    }
    // Bounded: only wills of dead brokers are counted, and each is deleted or quarantined.
    this.#attempts.set(key, attempts)
    return packet
  }
}
