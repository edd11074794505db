/**
 * How a persistent session that comes back gets what it missed: after its CONNACK, and once.
 *
 * Aedes subscribes a returning session again (restoreSubs) before it sends CONNACK and before it
 * reads the session's queue. It queues a message for a persistent subscriber before it hands the
 * message to the bus; a message still on its way (with the Postgres emitter: until its NOTIFY
 * comes back) when the session is subscribed again reaches it live, and also from the queue.
 *
 * - CONNACK first [MQTT-3.2.0-1]: a live message written before it makes mqtt.js hold its PUBACK
 *   until connected and read nothing after that PUBLISH, CONNACK included: the session hangs.
 *   Every QoS > 0 send to a persistent session asks the persistence first (`outgoingUpdate`) and
 *   is written when that settles, so that call waits for the client's CONNACK, or its end.
 * - Once: the queue read on connect leaves out what that connection was already sent live. Only
 *   until the queue is read; a resend from the queue is for the next connection [MQTT-4.4.0-1].
 *
 * Wraps the persistence Aedes was given, so the persistence itself keeps the aedes-persistence
 * contract (a queue streamed after `outgoingUpdate` holds the updated packet).
 */
import { Readable } from 'node:stream'
import type { Aedes, Client } from 'aedes'

/** Most live sends remembered per connection until its queue is read; beyond them a duplicate is possible. */
export const maxRememberedSends = 10_000

interface Sent {
  brokerId?: string
  brokerCounter?: number
}
type Update = (client: Client, packet: Sent) => Promise<void>
type Stream = (client: Client) => Readable

const queueRead = Symbol('queue read')

/** Installs both over `persistence` (the one `broker` was given). */
export function resumeOnce(broker: Aedes, persistence: { outgoingUpdate: Update; outgoingStream: Stream }): void {
  const update = persistence.outgoingUpdate.bind(persistence)
  const stream = persistence.outgoingStream.bind(persistence)
  const waiting = new WeakMap<Client, { connacked: Promise<void>; resolve: () => void }>()
  const sentLive = new WeakMap<Client, Set<string> | typeof queueRead>()

  function connacked(client: Client): Promise<void> {
    let entry = waiting.get(client)
    if (!entry) {
      let resolve = () => {}
      const promise = new Promise<void>((settle) => {
        resolve = settle
      })
      entry = { connacked: promise, resolve }
      waiting.set(client, entry)
      client.conn.once('close', resolve)
    }
    return entry.connacked
  }

  function remember(client: Client, packet: Sent): void {
    const key = keyOf(packet)
    let sent = sentLive.get(client)
    if (key === undefined || sent === queueRead) return
    if (!sent) {
      sent = new Set()
      sentLive.set(client, sent)
    }
    if (sent.size < maxRememberedSends) sent.add(key)
  }

  async function* unsent(client: Client, queued: Readable): AsyncGenerator<Sent> {
    try {
      for await (const packet of queued as AsyncIterable<Sent>) {
        const sent = sentLive.get(client)
        const key = keyOf(packet)
        if (sent instanceof Set && key !== undefined && sent.has(key)) continue
        yield packet
      }
    } finally {
      sentLive.set(client, queueRead)
    }
  }

  broker.on('connackSent', (_packet, client) => waiting.get(client)?.resolve())
  persistence.outgoingUpdate = async (client, packet) => {
    if (!(client as Client & { connackSent?: boolean }).connackSent && !client.closed) await connacked(client)
    remember(client, packet)
    return update(client, packet)
  }
  persistence.outgoingStream = (client) => Readable.from(unsent(client, stream(client)))
}

function keyOf({ brokerId, brokerCounter }: Sent): string | undefined {
  return brokerId && typeof brokerCounter === 'number' ? `${brokerId}\0${brokerCounter}` : undefined
}
