/**
 * Keeps a reconnecting session from getting a message twice: once live and once from its queue.
 * Aedes queues a message for a persistent subscriber before it hands it to the bus; a client
 * that reconnects in between (with the Postgres emitter: until the NOTIFY comes back) is
 * subscribed again when the message arrives, and gets it live, while its queue, read a moment
 * later, holds the same message. So the messages sent to a connection before its queue is read
 * are left out of that queue. Only until then: afterwards, a resend from the queue happens only
 * on the next connection, as the protocol asks [MQTT-4.4.0-1].
 */
import type { Packet } from './packets.ts'

const done = Symbol('queue read')

export class SentLive {
  /** Per connection (the client object Aedes passes), what it was sent before its queue was read. */
  readonly #sent = new WeakMap<object, Set<string> | typeof done>()
  readonly #max: number

  /** @param max  most messages remembered per connection; beyond them a duplicate is possible. */
  constructor(max: number) {
    this.#max = max
  }

  /** A message is being sent to the connection (Aedes' `outgoingUpdate`). */
  sent(client: object, packet: Packet): void {
    const key = keyOf(packet)
    if (key === undefined) return
    let sent = this.#sent.get(client)
    if (sent === done) return
    if (!sent) {
      sent = new Set()
      this.#sent.set(client, sent)
    }
    if (sent.size < this.#max) sent.add(key)
  }

  /** The connection's queue without what it was sent live. */
  async *queue(client: object, queued: AsyncIterable<Packet>): AsyncGenerator<Packet> {
    try {
      for await (const packet of queued) {
        const sent = this.#sent.get(client)
        const key = keyOf(packet)
        if (sent instanceof Set && key !== undefined && sent.has(key)) continue
        yield packet
      }
    } finally {
      this.#sent.set(client, done)
    }
  }
}

function keyOf({ brokerId, brokerCounter }: Packet): string | undefined {
  return brokerId && typeof brokerCounter === 'number' ? `${brokerId}\0${brokerCounter}` : undefined
}
