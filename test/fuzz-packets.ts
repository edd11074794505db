/**
 * Generated MQTT traffic for the protocol fuzz test (server/fuzz.test.ts): valid packets built
 * with mqtt-packet, and broken ones (truncated, bit-flipped, oversized, random bytes), from a
 * seeded generator so that a failing run can be replayed with its seed.
 */
import mqttPacket from 'mqtt-packet'
import { fixedHeader } from './raw-mqtt.ts'

/** mulberry32: a small seeded PRNG, enough to replay a run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Client ids of fuzzing clients start with this, whatever follows. */
export const fuzzPrefix = 'fuzz-'

export class PacketFuzzer {
  readonly #random: () => number

  constructor(seed: number) {
    this.#random = seededRandom(seed)
  }

  #int(max: number): number {
    return Math.floor(this.#random() * max)
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)] as T
  }

  #bytes(length: number): Buffer {
    return Buffer.from(Array.from({ length }, () => this.#int(256)))
  }

  #text(length: number): string {
    // Any UTF-16 code unit: lone surrogates and U+0000 included.
    return String.fromCharCode(...Array.from({ length }, () => this.#int(0x10000)))
  }

  topic(): string {
    return this.#pick([
      'public/#',
      'public/ticker',
      'public/menu',
      '#',
      '+/#',
      'bar/#',
      'bar/orders',
      'bar/tickets',
      'guests/+/orders',
      'guests/#',
      `guests/${crypto.randomUUID()}/orders`,
      '$SYS/#',
      'public/\u0000',
      `public/${this.#text(1 + this.#int(8))}`,
      `public/${'x'.repeat(this.#int(10_000))}`,
      this.#text(this.#int(40)),
    ])
  }

  /** The first packet of a connection: mostly a CONNECT, sometimes anything else. */
  connect(): Buffer {
    if (this.#random() < 0.1) return this.packet()
    const clientId =
      this.#random() < 0.2 ? '' : `${fuzzPrefix}${this.#random() < 0.2 ? this.#text(4) : this.#int(1000)}`
    const level = this.#pick([4, 4, 4, 3, 5, 2, 6, 0x84] as const)
    const packet = this.#safe(() =>
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: level === 3 ? 'MQIsdp' : 'MQTT',
        protocolVersion: level === 3 || level === 5 ? level : 4,
        clean: this.#random() < 0.6,
        clientId,
        keepalive: this.#int(3) === 0 ? 0 : this.#int(120),
        ...(this.#random() < 0.3
          ? {
              will: {
                topic: this.topic(),
                payload: this.#bytes(this.#int(200)),
                qos: this.#int(3) as 0,
                retain: this.#random() < 0.5,
              },
            }
          : {}),
        ...(this.#random() < 0.1 ? { username: this.#pick(['bar', 'service', 'x']), password: this.#bytes(8) } : {}),
      }),
    )
    // Levels mqtt-packet will not build (2, 6, a bridge's 0x84): the level byte follows the name.
    const name = packet.indexOf(level === 3 ? 'MQIsdp' : 'MQTT')
    if (name > 0 && level !== 3 && level !== 5) packet[name + 4] = level
    return packet
  }

  /** Any packet, valid or not. */
  packet(): Buffer {
    const messageId = 1 + this.#int(65535)
    const qos = this.#int(3) as 0 | 1 | 2
    // Mostly packets a guest may send, so that connections live long enough to build sessions.
    switch (this.#int(16)) {
      case 0:
      case 1:
      case 2:
      case 10:
      case 11:
      case 13:
        return this.#safe(() =>
          mqttPacket.generate({
            cmd: 'subscribe',
            messageId,
            subscriptions: Array.from({ length: 1 + this.#int(5) }, () => ({ topic: this.topic(), qos })),
          }),
        )
      case 3:
        return this.#safe(() =>
          mqttPacket.generate({ cmd: 'unsubscribe', messageId, unsubscriptions: [this.topic(), this.topic()] }),
        )
      case 4:
        return this.#safe(() =>
          mqttPacket.generate({
            cmd: 'publish',
            topic: this.topic(),
            payload: this.#bytes(this.#int(2000)),
            qos,
            retain: this.#random() < 0.5,
            dup: false,
            ...(qos > 0 ? { messageId } : {}),
          }),
        )
      case 5:
      case 14:
        return this.#safe(() =>
          mqttPacket.generate({ cmd: this.#pick(['puback', 'pubrec', 'pubrel', 'pubcomp'] as const), messageId }),
        )
      case 6:
      case 12:
        return this.#safe(() => mqttPacket.generate({ cmd: this.#pick(['pingreq', 'pingreq', 'disconnect'] as const) }))
      case 7: {
        const whole = this.packet()
        return whole.subarray(0, this.#int(whole.length))
      }
      case 8: {
        const flipped = Buffer.from(this.packet())
        const at = this.#int(flipped.length)
        flipped[at] = (flipped[at] ?? 0) ^ (1 << this.#int(8))
        return flipped
      }
      case 9:
        // A header declaring far more than follows.
        return Buffer.concat([
          fixedHeader((1 + this.#int(15)) << 4, this.#int(268_435_455)),
          this.#bytes(this.#int(64)),
        ])
      default:
        return this.#bytes(1 + this.#int(300))
    }
  }

  /** mqtt-packet refuses to build some packets: random bytes take their place. */
  #safe(build: () => Buffer): Buffer {
    try {
      return build()
    } catch {
      return this.#bytes(1 + this.#int(64))
    }
  }
}
