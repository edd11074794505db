/**
 * The few MQTT 3.1.1 packets a function needs to publish: CONNECT, PUBLISH, PINGREQ and
 * DISCONNECT out; CONNACK, PUBACK and PINGRESP in. A general client (subscriptions, QoS 2,
 * offline queues, MQTT 5) would be most of a function's bundle and start-up time.
 */

/** Packet types, the high nibble of the first byte [MQTT-2.2.1]. */
export const packetType = { connack: 2, publish: 3, puback: 4, pingresp: 13 } as const

export interface ConnectOptions {
  clientId: string
  username: string
  password: string
  keepaliveSeconds: number
}

/** The Remaining Length: 7 bits a byte, least significant first, high bit "more follows" [MQTT-2.2.3]. */
function remainingLength(length: number): number[] {
  const bytes: number[] = []
  do {
    let byte = length % 128
    length = Math.floor(length / 128)
    if (length > 0) byte |= 0x80
    bytes.push(byte)
  } while (length > 0)
  return bytes
}

/** A UTF-8 string with its two-byte length prefix [MQTT-1.5.3]. */
function utf8(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  const out = Buffer.allocUnsafe(2 + bytes.length)
  out.writeUInt16BE(bytes.length, 0)
  bytes.copy(out, 2)
  return out
}

function packet(firstByte: number, parts: Buffer[]): Buffer {
  const length = parts.reduce((sum, part) => sum + part.length, 0)
  return Buffer.concat([Buffer.from([firstByte, ...remainingLength(length)]), ...parts])
}

/** CONNECT with a clean session and username and password [MQTT-3.1]. */
export function encodeConnect({ clientId, username, password, keepaliveSeconds }: ConnectOptions): Buffer {
  const header = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x80 | 0x40 | 0x02, 0, 0])
  header.writeUInt16BE(keepaliveSeconds, 8)
  return packet(0x10, [header, utf8(clientId), utf8(username), utf8(password)])
}

/** PUBLISH; a packet id only for QoS 1 [MQTT-3.3.2-2]. */
export function encodePublish(
  topic: string,
  payload: Buffer,
  { qos, retain, packetId }: { qos: 0 | 1; retain: boolean; packetId?: number },
): Buffer {
  const parts = [utf8(topic)]
  if (qos === 1) {
    const id = Buffer.allocUnsafe(2)
    id.writeUInt16BE(packetId ?? 0, 0)
    parts.push(id)
  }
  parts.push(payload)
  return packet(0x30 | (qos << 1) | (retain ? 1 : 0), parts)
}

export const pingreq = Buffer.from([0xc0, 0])
export const disconnect = Buffer.from([0xe0, 0])

export interface Packet {
  type: number
  body: Buffer
}

/** Cuts the byte stream from the broker into packets. */
export function createPacketReader(onPacket: (packet: Packet) => void) {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    for (;;) {
      let length = 0
      let multiplier = 1
      let offset = 1
      for (;;) {
        if (offset >= pending.length) return
        const byte = pending[offset++] as number
        length += (byte & 0x7f) * multiplier
        multiplier *= 128
        if ((byte & 0x80) === 0) break
        if (offset > 4) throw new Error('malformed Remaining Length from the broker')
      }
      if (pending.length < offset + length) return
      onPacket({ type: (pending[0] as number) >> 4, body: pending.subarray(offset, offset + length) })
      pending = pending.subarray(offset + length)
    }
  }
}
