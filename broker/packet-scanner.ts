/**
 * Follows the MQTT packets of one connection's byte stream by their fixed headers only: the
 * type byte and the remaining length [MQTT-2.2.3], skipping the bodies. It keeps no packet, so
 * the size a client declares can be refused before anything buffers it.
 */

/** What the scanner found in a chunk. */
export type Verdict =
  | { kind: 'ok' }
  /** The first packet is a CONNECT whose protocol level this broker does not speak. */
  | { kind: 'unsupported-level'; level: number }
  | { kind: 'too-large'; size: number; limit: number }
  | { kind: 'malformed'; reason: string }

/** CONNECT with 3.1 ('MQIsdp'), 3.1.1 and 5 levels, as mqtt-packet parses them (bridge bit aside). */
const LEVELS = new Set([3, 4, 5])
/** Enough of a CONNECT body to read its level: name length (2), 'MQIsdp' (6), level (1). */
const CONNECT_PREFIX = 9

export class PacketScanner {
  /** Bytes of the current packet's body still to skip; -1 while reading a fixed header. */
  #remaining = -1
  #length = 0
  #multiplier = 1
  #lengthBytes = 0
  #type = 0
  /** The first packet's body prefix, while its protocol level is not yet known. */
  #connect: number[] | null = null
  #first = true
  #decided = false

  /** Whether the first packet's protocol level is known (or it is not a CONNECT). */
  get decided(): boolean {
    return this.#decided
  }

  /** Scans the chunk; `limit` gives the largest packet allowed now (read at each fixed header). */
  scan(chunk: Uint8Array, limit: () => number): Verdict {
    let i = 0
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - i)
        if (this.#connect) {
          const verdict = this.#readConnect(chunk.subarray(i, i + take))
          if (verdict.kind !== 'ok') return verdict
        }
        this.#remaining -= take
        i += take
        if (this.#remaining === 0) this.#startHeader()
        continue
      }
      const byte = chunk[i++] as number
      if (this.#lengthBytes === 0 && this.#type === 0) {
        this.#type = byte >> 4
        // Type 0 is reserved [MQTT-2.2.1]: no packet starts with it.
        if (this.#type === 0) return { kind: 'malformed', reason: 'reserved packet type 0' }
        this.#lengthBytes = -1
        continue
      }
      // The remaining length: at most four bytes of seven bits each [MQTT-2.2.3].
      this.#lengthBytes = this.#lengthBytes === -1 ? 1 : this.#lengthBytes + 1
      this.#length += (byte & 0x7f) * this.#multiplier
      this.#multiplier *= 128
      if (byte & 0x80) {
        if (this.#lengthBytes === 4) return { kind: 'malformed', reason: 'remaining length over four bytes' }
        continue
      }
      const size = 1 + this.#lengthBytes + this.#length
      const max = limit()
      if (size > max) return { kind: 'too-large', size, limit: max }
      if (this.#first && this.#type === 1 && this.#length > 0) this.#connect = []
      else this.#decide()
      this.#first = false
      this.#remaining = this.#length
      if (this.#remaining === 0) this.#startHeader()
    }
    return { kind: 'ok' }
  }

  #startHeader(): void {
    if (this.#connect) this.#decide()
    this.#remaining = -1
    this.#length = 0
    this.#multiplier = 1
    this.#lengthBytes = 0
    this.#type = 0
  }

  #decide(): void {
    this.#connect = null
    this.#decided = true
  }

  /** [MQTT-3.1.2-2] An unsupported level is answered with CONNACK 0x01, not a silent close. */
  #readConnect(bytes: Uint8Array): Verdict {
    const prefix = this.#connect as number[]
    for (const byte of bytes) {
      if (prefix.length >= CONNECT_PREFIX) break
      prefix.push(byte)
    }
    if (prefix.length < 2) return { kind: 'ok' }
    const nameLength = ((prefix[0] as number) << 8) | (prefix[1] as number)
    if (prefix.length < 2 + nameLength + 1 && nameLength <= 6) return { kind: 'ok' }
    const name = String.fromCharCode(...prefix.slice(2, 2 + nameLength))
    const raw = prefix[2 + nameLength]
    this.#decide()
    // Another protocol name is not MQTT at all: the parser refuses it and the connection closes.
    if ((name !== 'MQTT' && name !== 'MQIsdp') || raw === undefined) return { kind: 'ok' }
    const level = raw >= 128 ? raw - 128 : raw
    return LEVELS.has(level) ? { kind: 'ok' } : { kind: 'unsupported-level', level: raw }
  }
}
