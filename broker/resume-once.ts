/**
 * How a persistent session that comes back gets what it missed: after its CONNACK, and once.
 *
 * Aedes subscribes a returning session again (restoreSubs) before it sends CONNACK and before it
 * reads the session's queue. It queues a message for a persistent subscriber before it hands the
 * message to the bus; a message still on its way (with the Postgres emitter: until its NOTIFY
 * comes back, which under load is after the whole queue was read) when the session is subscribed
 * again reaches it live, and also from the queue, in either order.
 *
 * - CONNACK first [MQTT-3.2.0-1]: a live message written before it makes mqtt.js hold its PUBACK
 *   until connected and read nothing after that PUBLISH, CONNACK included: the session hangs.
 *   Every QoS > 0 send to a persistent session asks the persistence first (`outgoingUpdate`) and
 *   is written when that settles, so that call waits for the client's CONNACK, or its end.
 * - Once per connection: the queue read on connect leaves out what the connection was already
 *   sent live, and a live delivery is dropped when the queue already sent that message (named by
 *   broker id and counter). A resend from the queue is for the next connection [MQTT-4.4.0-1].
 *
 * Wraps the persistence Aedes was given, so the persistence itself keeps the aedes-persistence
 * contract (a queue streamed after `outgoingUpdate` holds the updated packet).
 */
import { Readable } from 'node:stream'
import type { Aedes, Client } from 'aedes'

/** Most messages remembered per connection; beyond them a duplicate is possible. */
export const maxRememberedSends = 10_000

interface Sent {
  brokerId?: string | null
  brokerCounter?: number
}
type Update = (client: Client, packet: Sent) => Promise<void>
type Stream = (client: Client) => Readable
type Deliver = (packet: Sent, done: () => void) => void

/** Per connection: the messages sent to it, recorded until its queue has been read. */
interface Sends {
  keys: Set<string>
  queueRead: boolean
}

/** Installs both over `persistence` (the one `broker` was given) and over each new client. */
export function resumeOnce(broker: Aedes, persistence: { outgoingUpdate: Update; outgoingStream: Stream }): void {
  const update = persistence.outgoingUpdate.bind(persistence)
  const stream = persistence.outgoingStream.bind(persistence)
  const waiting = new WeakMap<Client, { connacked: Promise<void>; resolve: () => void }>()
  const sent = new WeakMap<Client, Sends>()

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

  function sendsOf(client: Client): Sends {
    let sends = sent.get(client)
    if (!sends) {
      sends = { keys: new Set(), queueRead: false }
      sent.set(client, sends)
    }
    return sends
  }

  function remember(client: Client, packet: Sent): void {
    const key = keyOf(packet)
    const sends = sendsOf(client)
    if (key !== undefined && !sends.queueRead && sends.keys.size < maxRememberedSends) sends.keys.add(key)
  }

  async function* unsent(client: Client, queued: Readable): AsyncGenerator<Sent> {
    try {
      for await (const packet of queued as AsyncIterable<Sent>) {
        const key = keyOf(packet)
        if (key !== undefined && sent.get(client)?.keys.has(key)) continue
        remember(client, packet)
        yield packet
      }
    } finally {
      sendsOf(client).queueRead = true
    }
  }

  broker.on('connackSent', (_packet, client) => waiting.get(client)?.resolve())
  persistence.outgoingUpdate = async (client, packet) => {
    if (!(client as Client & { connackSent?: boolean }).connackSent && !client.closed) await connacked(client)
    remember(client, packet)
    return update(client, packet)
  }
  persistence.outgoingStream = (client) => Readable.from(unsent(client, stream(client)))

  // Live deliveries: Aedes takes `deliverQoS` from the client when it subscribes it, so it is
  // replaced as the client is made, before any subscription.
  const handle = broker.handle
  broker.handle = (connection, request) => {
    const client = handle(connection, request) as Client & { deliverQoS: Deliver }
    const deliver = client.deliverQoS
    client.deliverQoS = (packet, done) => {
      const key = keyOf(packet)
      if (key !== undefined && sent.get(client)?.keys.has(key)) setImmediate(done)
      else deliver(packet, done)
    }
    return client
  }
}

function keyOf({ brokerId, brokerCounter }: Sent): string | undefined {
  return brokerId && typeof brokerCounter === 'number' ? `${brokerId}\0${brokerCounter}` : undefined
}
