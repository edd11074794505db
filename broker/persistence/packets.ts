/**
 * How packets are written to and read from the persistence tables: `header` is the JSON of every
 * field but the payload (MQTT 5 properties included), `payload` the bytes exactly as given, and
 * `payload_is_text` tells that they were given as a string, which is what is handed back.
 */
import { reviveBuffers } from '../emitter/wire.ts'

/** A packet as Aedes hands it over. Only these fields are read; the rest is stored as it is. */
export type Packet = Record<string, unknown> & {
  cmd?: string
  topic?: string
  payload?: unknown
  qos?: number
  messageId?: number
  brokerId?: string
  brokerCounter?: number
}

/** The columns a packet occupies. */
export interface PacketColumns {
  header: string
  payload: Buffer | null
  payload_is_text: boolean
}

/**
 * The packet as Aedes' Packet class (aedes-packet) builds it from another, without a broker:
 * the outgoing queue and the incoming store hold packets of that shape, and the abstract suite
 * compares what they return with packets made that way.
 */
export function normalizePacket(original: Packet): Packet {
  const packet: Packet = {}
  // Kept only when present, so that a packet without them keeps its exact shape.
  for (const key of ['clientId', 'nl', 'properties', 'messageExpiry']) {
    if (Object.hasOwn(original, key)) packet[key] = original[key]
  }
  packet.cmd = original.cmd || 'publish'
  packet.brokerId = original.brokerId
  packet.brokerCounter = original.brokerCounter || 0
  packet.topic = original.topic
  packet.payload = original.payload || Buffer.alloc(0)
  packet.qos = original.qos || 0
  packet.retain = original.retain || false
  packet.dup = original.dup || false
  // A packet identifier belongs to one transmission [MQTT-2.3.1-1]: a stored copy has none yet.
  if (packet.qos > 0 || packet.cmd !== 'publish') packet.messageId = undefined
  return packet
}

/** Splits a packet into its columns; `messageId` stays out when a table keeps it in a column of its own. */
export function encodePacket(packet: Packet, { messageIdColumn = false } = {}): PacketColumns {
  const { payload, ...rest } = packet
  if (messageIdColumn) delete rest.messageId
  return { header: JSON.stringify(rest), ...encodePayload(payload) }
}

function encodePayload(payload: unknown): Pick<PacketColumns, 'payload' | 'payload_is_text'> {
  if (payload === undefined || payload === null) return { payload: null, payload_is_text: false }
  if (typeof payload === 'string') return { payload: Buffer.from(payload, 'utf8'), payload_is_text: true }
  if (payload instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
    return { payload: bytes, payload_is_text: false }
  }
  throw new TypeError(`an MQTT payload is bytes or a string, not ${typeof payload}`)
}

/** The packet stored in `row`. */
export function decodePacket(row: PacketColumns): Packet {
  const packet = reviveBuffers(JSON.parse(row.header)) as Packet
  if (row.payload !== null) packet.payload = row.payload_is_text ? row.payload.toString('utf8') : row.payload
  return packet
}

/**
 * The packet of a table that keeps the packet identifier in `message_id`. The key is present,
 * possibly undefined, wherever Aedes' Packet would have it.
 */
export function decodeWithMessageId(row: PacketColumns & { message_id: number | null }): Packet {
  const packet = decodePacket(row)
  if (row.message_id !== null || packet.cmd !== 'publish' || (packet.qos ?? 0) > 0) {
    packet.messageId = row.message_id ?? undefined
  }
  return packet
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Whether Postgres' `text` can hold the string as it is: no U+0000 (which a UTF-8 database
 * refuses) and no lone surrogate (which would come back as U+FFFD). MQTT forbids both in topic
 * names and filters [MQTT-1.5.3-1], [MQTT-1.5.3-2]; this is the persistence's own check, below
 * the broker's.
 */
export function isStorableText(text: unknown): text is string {
  return typeof text === 'string' && !text.includes('\u0000') && !LONE_SURROGATE.test(text)
}

/** Why a stored packet cannot be published, or null when it can. */
export function unpublishable(packet: Packet): string | null {
  const { cmd = 'publish', topic, qos = 0 } = packet
  // A queue also holds the PUBREL that replaced a QoS 2 PUBLISH: it has no topic.
  if (cmd !== 'publish') return cmd === 'pubrel' ? null : `a ${storableCopy(String(cmd))} packet`
  if (typeof topic !== 'string' || topic === '') return 'no topic'
  if (!isStorableText(topic)) return 'topic is not valid UTF-8 or holds U+0000'
  if (/[+#]/.test(topic)) return 'wildcard in a topic name'
  if (![0, 1, 2].includes(qos)) return `QoS ${qos}`
  const { payload } = packet
  if (payload !== undefined && typeof payload !== 'string' && !(payload instanceof Uint8Array)) return 'bad payload'
  return null
}

/** The error a persistence call rejects with when given text it cannot store. */
export class UnstorableTextError extends Error {
  constructor(what: string) {
    super(`persistence: ${what} is not valid UTF-8 or holds U+0000`)
    this.name = 'UnstorableTextError'
  }
}

/** Text safe to write into a `text` column and a log line, whatever it holds (escaped as in JSON). */
export function storableCopy(text: string): string {
  return JSON.stringify(text).slice(1, -1)
}
