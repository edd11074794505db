/**
 * Offline queues: what each persistent session is owed, in order. This is the hot path: for every
 * QoS > 0 message and persistent subscriber Aedes queues the message, records the packet
 * identifier it sends it under, and deletes it on PUBACK. Writes are batched (group commit):
 * queueing in one batcher, identifiers and acknowledgements in another, first in, first out, so
 * that a PUBACK is never applied before the identifier it acknowledges.
 *
 * QoS 1 identifiers are not waited for by default: Aedes waits for `outgoingUpdate` before each
 * send, and drains a queue one message at a time, so waiting for a commit there bounds a
 * reconnecting client to one message per commit (about 900 msg/s here, against 20,000 without the
 * wait). An identifier is held in memory instead (`HOLD_MS`): the PUBACK of a connected client
 * usually comes within it and deletes the message by name, and the identifier is never written,
 * which saves an UPDATE per message. Otherwise it is stored when the hold ends, or when the client
 * connects here again. What it costs: if the broker dies, or the client comes back on another
 * replica, before the identifier is stored, the message is resent under a new identifier, where
 * [MQTT-4.4.0-1] asks for the original one. A QoS 1 receiver takes either resend as a new
 * publication [MQTT-4.3.2-2], so it sees the same duplicate; nothing is lost, as the queued copy
 * stays until its PUBACK is stored. QoS 2 relies on the identifier for exactly-once, so it always
 * waits, as does everyone with `awaitPacketIds`.
 *
 * Each queue is bounded (`maxQueued`, outgoing-bound.ts). A queued row that cannot be read back
 * is quarantined when the client drains its queue.
 */
import { Readable } from 'node:stream'
import type { Sql } from 'postgres'
import { type Batcher, createBatcher } from '../pg/batcher.ts'
import type { Logger } from '../pg/listener.ts'
import { QueueBound } from './outgoing-bound.ts'
import {
  type Acknowledged,
  deleteAcknowledged,
  deleteSentAndAcknowledged,
  insertQueued,
  insertSent,
  type QueuedPacket,
  type QueuedRow,
  readQueue,
  replaceByMessageId,
  type SentAs,
  setMessageIds,
} from './outgoing-statements.ts'
import { decodeWithMessageId, encodePacket, normalizePacket, type Packet, unpublishable } from './packets.ts'
import type { Quarantine } from './quarantine.ts'

const PAGE = 200
/** How long a QoS 1 identifier waits for its PUBACK before it is stored, in ms. */
const HOLD_MS = 1_000
/** Most QoS 1 identifiers held at once, per process. */
const MAX_HELD = 10_000

/** What the second batcher writes, in the order it was asked. */
type AckWrite =
  | { kind: 'sent'; sentAs: SentAs; packet: Packet }
  | { kind: 'replace'; clientId: string; packet: Packet; messageId: number }
  | { kind: 'acked'; acknowledged: Acknowledged; readBack: boolean; name?: SentAs }
  | { kind: 'barrier' }

type AckResult = boolean | Packet | undefined

export interface OutgoingOptions {
  maxBatch: number
  logger: Logger
  /** Wait for QoS 1 packet identifiers to be stored before Aedes sends (see above). */
  awaitPacketIds: boolean
  /** Most messages queued per client; the oldest are dropped beyond it. */
  maxQueued: number
  quarantine: Quarantine
}

export class OutgoingQueues {
  readonly #sql: Sql
  readonly #logger: Logger
  readonly #awaitPacketIds: boolean
  readonly #queued: Batcher<QueuedPacket, undefined>
  readonly #acks: Batcher<AckWrite, AckResult>
  /**
   * Clients for which this process has recorded, or read back, packet identifiers. A PUBACK can
   * only match a queued packet that has an identifier, and those are recorded by the broker the
   * client is connected to, or read back when it connects (`stream`). For any other client (every
   * clean session, to begin with) a PUBACK has nothing to delete, and no statement is sent.
   */
  readonly #withPacketIds = new Set<string>()
  readonly #bound: QueueBound
  readonly #quarantine: Quarantine
  /**
   * QoS 1 identifiers sent and not yet stored, oldest first, by client and identifier. One is
   * stored only if its PUBACK has not come within `HOLD_MS`, or when its client connects again:
   * the PUBACK of a connected client usually comes first and deletes the message by name, so the
   * identifier is never written. At most `MAX_HELD` (the oldest are stored beyond).
   */
  readonly #held = new Map<string, { sentAs: SentAs; packet: Packet; at: number }>()
  #sweep: NodeJS.Timeout | undefined

  constructor(sql: Sql, { maxBatch, logger, awaitPacketIds, maxQueued, quarantine }: OutgoingOptions) {
    this.#sql = sql
    this.#logger = logger
    this.#awaitPacketIds = awaitPacketIds
    this.#bound = new QueueBound(sql, { maxQueued, logger })
    this.#quarantine = quarantine
    this.#queued = createBatcher(
      async (items: QueuedPacket[]) => {
        await insertQueued(sql, items)
        await this.#bound.queued(items.flatMap((item) => item.clientIds))
        return items.map(() => undefined)
      },
      { maxBatch },
    )
    this.#acks = createBatcher((items: AckWrite[]) => this.#writeAcks(items), { maxBatch })
  }

  /** Appends the packet to the queue of each client (once per client, however many of its subscriptions matched). */
  async enqueue(clientIds: string[], original: Packet): Promise<void> {
    const unique = [...new Set(clientIds)]
    if (unique.length === 0) return
    const packet = normalizePacket(original)
    await this.#queued.push({ clientIds: unique, packet, columns: encodePacket(packet, { messageIdColumn: true }) })
  }

  /**
   * Records the identifier a queued message is sent under (the message named by broker id and
   * counter), or puts the packet in the place of the queued packet with its identifier (a PUBREL
   * replacing its PUBLISH).
   */
  async update(clientId: string, packet: Packet): Promise<void> {
    const { brokerId, brokerCounter, messageId } = packet
    if (typeof messageId !== 'number') throw new Error('no such packet')
    this.#withPacketIds.add(clientId)
    if (brokerId && typeof brokerCounter === 'number') {
      const sentAs = { clientId, brokerId, brokerCounter, messageId }
      if (isPublish(packet) && packet.qos === 1 && !this.#awaitPacketIds) {
        this.#hold(sentAs, packet)
        return
      }
      if (await this.#acks.push({ kind: 'sent', sentAs, packet })) return
    } else if (await this.#acks.push({ kind: 'replace', clientId, packet, messageId })) {
      return
    }
    throw new Error('no such packet')
  }

  /** Removes the queued packet with this identifier and returns it (`readBack`; else undefined). */
  clear(clientId: string, messageId: unknown, readBack = true): Promise<Packet | undefined> {
    if (typeof messageId !== 'number' || !this.#withPacketIds.has(clientId)) return Promise.resolve(undefined)
    const key = ackKey({ clientId, messageId })
    const name = this.#held.get(key)?.sentAs
    this.#held.delete(key)
    return this.#acks.push({ kind: 'acked', acknowledged: { clientId, messageId }, readBack, name }) as Promise<
      Packet | undefined
    >
  }

  /** The client's queue as stored once the writes asked for so far are done. */
  stream(clientId: string): Readable {
    // The identifiers of the last connection, stored before the queue is read (the drain's barrier).
    for (const [key, held] of this.#held) if (held.sentAs.clientId === clientId) this.#store(key)
    return Readable.from(this.#drain(clientId))
  }

  async *#drain(clientId: string): AsyncGenerator<Packet> {
    await this.#acks.push({ kind: 'barrier' })
    this.#bound.drained(clientId)
    for await (const row of readQueue(this.#sql, clientId, PAGE)) {
      const packet = await this.#readable(clientId, row)
      if (!packet) continue
      if (packet.messageId !== undefined) this.#withPacketIds.add(clientId)
      yield packet
    }
  }

  /** The packet of a queued row, or undefined when it cannot be published and was quarantined. */
  async #readable(clientId: string, row: QueuedRow): Promise<Packet | undefined> {
    let problem: string | null
    let packet: Packet | undefined
    try {
      packet = decodeWithMessageId(row)
      problem = unpublishable(packet)
    } catch (error) {
      problem = `cannot be read: ${(error as Error).message}`
    }
    if (!problem) return packet
    await this.#quarantine.outgoing(clientId, row.id, problem)
    return undefined
  }

  async drained(): Promise<void> {
    for (const key of this.#held.keys()) this.#store(key)
    await Promise.all([this.#queued.drained(), this.#acks.drained()])
  }

  /** One batch: identifiers first, then replacements, then acknowledgements, which may refer to them. */
  async #writeAcks(items: AckWrite[]): Promise<AckResult[]> {
    const results: AckResult[] = items.map(() => undefined)
    const sent = items.flatMap((item, index) => (item.kind === 'sent' ? [{ item, index }] : []))
    if (sent.length > 0) {
      const found = await setMessageIds(
        this.#sql,
        sent.map(({ item }) => item.sentAs),
      )
      for (const [k, { item, index }] of sent.entries()) {
        results[index] = found[k] || (await this.#notQueued(item.sentAs, item.packet))
      }
    }
    for (const [index, item] of items.entries()) {
      if (item.kind === 'replace') {
        results[index] = await replaceByMessageId(this.#sql, item.clientId, item.packet, item.messageId)
      }
    }
    // Rows are read back only for a batch where someone wants a packet. A message acknowledged
    // while its identifier was held is deleted by name (its identifier was never stored), the
    // others by the identifier.
    const readBack = items.some((item) => item.kind === 'acked' && item.readBack)
    const acked = items.flatMap((item, index) => (item.kind === 'acked' ? [{ item, index }] : []))
    const named = acked.flatMap(({ item, index }) => (item.name ? [{ name: item.name, index }] : []))
    if (named.length > 0) {
      const packets = await deleteSentAndAcknowledged(
        this.#sql,
        named.map(({ name }) => name),
        readBack,
      )
      named.forEach(({ index }, k) => {
        results[index] = packets[k]
      })
    }
    const unnamed = acked.filter(({ item }) => !item.name)
    if (unnamed.length > 0) {
      const packets = await deleteAcknowledged(
        this.#sql,
        unnamed.map(({ item }) => item.acknowledged),
        readBack,
      )
      unnamed.forEach(({ index }, k) => {
        results[index] = packets[k]
      })
    }
    return results
  }

  #hold(sentAs: SentAs, packet: Packet): void {
    const key = ackKey(sentAs)
    // An identifier sent again before its PUBACK: the earlier send is stored first.
    if (this.#held.has(key)) this.#store(key)
    this.#held.set(key, { sentAs, packet, at: performance.now() })
    if (this.#held.size > MAX_HELD) {
      const oldest = this.#held.keys().next()
      if (!oldest.done) this.#store(oldest.value)
    }
    if (!this.#sweep) {
      this.#sweep = setInterval(() => this.#storeOld(), HOLD_MS / 2)
      this.#sweep.unref()
    }
  }

  #storeOld(): void {
    const before = performance.now() - HOLD_MS
    for (const [key, held] of this.#held) {
      if (held.at > before) break
      this.#store(key)
    }
    if (this.#held.size === 0) {
      clearInterval(this.#sweep)
      this.#sweep = undefined
    }
  }

  /** Stores a held identifier, in the background. */
  #store(key: string): void {
    const held = this.#held.get(key)
    if (!held) return
    this.#held.delete(key)
    this.#acks
      .push({ kind: 'sent', sentAs: held.sentAs, packet: held.packet })
      .catch((error: Error) => this.#logger.warn(`persistence: packet id not stored: ${error.message}`))
  }

  /** A message sent but not found queued under its name. */
  async #notQueued({ clientId, messageId }: SentAs, packet: Packet): Promise<boolean> {
    // As the in-memory persistence does: it takes the place of the packet with its identifier.
    if (await replaceByMessageId(this.#sql, clientId, packet, messageId)) return true
    if (!isPublish(packet)) return false
    // Queued nowhere: the publishing replica matched before it learnt of a brand-new
    // subscription. Queue it now, so that it is resent if the client drops before its PUBACK.
    await insertSent(this.#sql, clientId, packet, messageId)
    return true
  }
}

function ackKey({ clientId, messageId }: { clientId: string; messageId: number }): string {
  return `${clientId}\0${messageId}`
}

function isPublish(packet: Packet): boolean {
  return (packet.cmd ?? 'publish') === 'publish'
}
