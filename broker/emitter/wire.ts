/**
 * How a message crosses NOTIFY. NOTIFY carries text only, so the envelope is JSON:
 *   { o: origin emitter, s: sequence number, m: the message without its payload, k: payload kind, p: payload }
 * or, for a message too large for NOTIFY, { o, s, a: row id in mqtt_emitter_attachments },
 * or, from a replica that listens again after a gap, { o, s, r: epoch ms }: "send again what you
 * sent since r" (broker/emitter/sent-log.ts).
 * The sequence number makes every payload unique: Postgres folds identical notifications sent in
 * one transaction, and one batch of NOTIFYs is one transaction.
 */

/** A message as mqemitter knows it: a topic and anything else. */
export type EmitterMessage = { topic: string; payload?: unknown } & Record<string, unknown>

/** 'b': bytes (base64 in NOTIFY, bytea in the table); 'j': any JSON value; 'u': no payload. */
export type PayloadKind = 'b' | 'j' | 'u'

export interface Envelope {
  o: string
  s: number
  m?: Record<string, unknown>
  k?: PayloadKind
  p?: unknown
  a?: string
  r?: number
}

/** The message split for the attachments table: header JSON, payload kind and payload bytes. */
export interface Attachment {
  header: string
  kind: PayloadKind
  body: Buffer | null
}

function splitPayload(message: EmitterMessage): { rest: Record<string, unknown>; payload: unknown } {
  const { payload, ...rest } = message
  return { rest, payload }
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** The NOTIFY text of a message. */
export function encodeInline(origin: string, seq: number, message: EmitterMessage): string {
  const { rest, payload } = splitPayload(message)
  const envelope: Envelope = { o: origin, s: seq, m: rest }
  if (isBytes(payload)) {
    envelope.k = 'b'
    envelope.p = asBuffer(payload).toString('base64')
  } else if (payload === undefined) {
    envelope.k = 'u'
  } else {
    envelope.k = 'j'
    envelope.p = payload
  }
  return JSON.stringify(envelope)
}

/** The NOTIFY text pointing at an attachment row. */
export function encodeReference(origin: string, seq: number, id: string): string {
  return JSON.stringify({ o: origin, s: seq, a: id } satisfies Envelope)
}

/** The NOTIFY text asking every replica for what it sent since `since` (epoch ms). */
export function encodeReplayRequest(origin: string, seq: number, since: number): string {
  return JSON.stringify({ o: origin, s: seq, r: since } satisfies Envelope)
}

/** The row of a message too large for NOTIFY; the payload is kept as bytes, not base64. */
export function toAttachment(message: EmitterMessage): Attachment {
  const { rest, payload } = splitPayload(message)
  const header = JSON.stringify(rest)
  if (isBytes(payload)) return { header, kind: 'b', body: asBuffer(payload) }
  if (payload === undefined) return { header, kind: 'u', body: null }
  return { header, kind: 'j', body: Buffer.from(JSON.stringify(payload)) }
}

export function parseEnvelope(text: string): Envelope {
  return JSON.parse(text) as Envelope
}

/** The message an inline envelope carries. */
export function fromEnvelope(envelope: Envelope): EmitterMessage {
  const message = reviveBuffers(envelope.m ?? {}) as EmitterMessage
  if (envelope.k === 'b') message.payload = Buffer.from(envelope.p as string, 'base64')
  else if (envelope.k === 'j') message.payload = envelope.p
  return message
}

/** The message an attachment row holds. */
export function fromAttachment(row: Attachment): EmitterMessage {
  const message = reviveBuffers(JSON.parse(row.header)) as EmitterMessage
  if (row.kind === 'b') message.payload = row.body ?? Buffer.alloc(0)
  else if (row.kind === 'j') message.payload = JSON.parse((row.body ?? Buffer.from('null')).toString('utf8'))
  return message
}

/**
 * Turns `{ type: 'Buffer', data: [...] }` (what JSON.stringify makes of a Buffer) back into a
 * Buffer. MQTT 5 properties such as correlationData are Buffers; everything else is plain JSON.
 */
export function reviveBuffers(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveBuffers(value[i])
    return value
  }
  const record = value as Record<string, unknown>
  if (record.type === 'Buffer' && Array.isArray(record.data) && Object.keys(record).length === 2) {
    return Buffer.from(record.data as number[])
  }
  for (const key of Object.keys(record)) record[key] = reviveBuffers(record[key])
  return record
}
