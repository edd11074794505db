import mqtt from 'mqtt'
import type { Logger } from '../runtime/logger.ts'
import { sleep } from './backoff.ts'

/**
 * What to do with a delivered message:
 * - `ack`: send the PUBACK, the broker forgets the message;
 * - `retry-later`: no PUBACK, and drop the connection: the broker keeps the message in the
 *   session and delivers it again on the next connection;
 * - `hold`: no PUBACK, connection kept (while stopping: the message is delivered again next time).
 */
export type Outcome = 'ack' | 'retry-later' | 'hold'

export interface SessionOptions {
  url: string
  clientId: string
  username: string
  password: string
  topics: string[]
  /** Called for each message, one at a time, in the order the broker sent them. */
  handle(topic: string, payload: Buffer): Promise<Outcome>
  log: Logger
  /** Seconds; default 30. Handling one message must take well under this. */
  keepalive?: number
}

export interface SessionEnd {
  /** `printer`: a handler asked to retry later; `broker`: the connection failed or was refused. */
  reason: 'printer' | 'broker'
  /** Whether the broker accepted the connection (CONNACK) before it ended. */
  connected: boolean
}

/** One connection of the persistent session; opening a new one is the caller's decision. */
export interface Session {
  readonly ended: Promise<SessionEnd>
  /** Connected and subscribed. */
  ready(): boolean
  /** Waits for the message in hand, then disconnects; the session stays at the broker. */
  finish(): Promise<void>
}

/**
 * Connects with `clean: false` and a fixed client id, so the broker keeps our subscriptions and
 * queues QoS 1 messages while we are away. The PUBACK of each message waits for its handler:
 * mqtt.js sends it only when `handleMessage` calls back, and handles the next packet only then,
 * which also keeps messages in order, one at a time.
 */
export function openSession({
  url,
  clientId,
  username,
  password,
  topics,
  handle,
  log,
  keepalive = 30,
}: SessionOptions) {
  const client = mqtt.connect(url, {
    clientId,
    username,
    password,
    clean: false,
    protocolVersion: 4,
    keepalive,
    connectTimeout: 10_000,
    // Reconnecting, with backoff and jitter, is the bridge's job.
    reconnectPeriod: 0,
    resubscribe: false,
  })
  let connected = false
  let subscribed = false
  let reason: SessionEnd['reason'] = 'broker'
  let inHand: Promise<void> = Promise.resolve()
  let finishing = false

  const drop = () => {
    reason = 'printer'
    client.end(true)
  }

  client.handleMessage = (packet, done) => {
    // mqtt.js reads no packet while one is in hand, so a PINGRESP waits behind a backlog being
    // printed and its keepalive would drop a busy connection; a message arriving shows it alive.
    client.reschedulePing()
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)
    inHand = handle(packet.topic, payload).then(
      (outcome) => {
        client.reschedulePing()
        if (outcome === 'ack') done()
        else if (outcome === 'retry-later') drop()
      },
      (error: unknown) => {
        log.error(`handling a message on ${packet.topic} failed:`, error)
        drop()
      },
    )
  }

  client.on('connect', (connack) => {
    connected = true
    log.info(`connected to ${url} as ${clientId} (${connack.sessionPresent ? 'session resumed' : 'new session'})`)
    // A resumed session has its subscriptions [MQTT-3.2.2-2]. Subscribing again would also put
    // the SUBACK behind the backlog, which mqtt.js reads one message at a time.
    if (connack.sessionPresent) {
      subscribed = true
      return
    }
    client.subscribe(topics, { qos: 1 }, (error, granted) => {
      if ((error as { code?: number } | undefined)?.code === 0x80 || granted?.some((grant) => grant.qos === 0x80)) {
        log.error(`the broker refused the subscription to ${topics.join(', ')}: is the user ${username} allowed?`)
        client.end(true)
      } else if (!error) {
        subscribed = true
        log.info(`subscribed to ${topics.join(', ')}: new orders print from now on`)
      }
    })
  })
  client.on('error', (error) => log.warn(`broker ${url}: ${error.message}`))

  const ended = new Promise<SessionEnd>((resolve) => {
    client.once('close', () => {
      subscribed = false
      if (reason === 'broker' && !finishing) log.warn(`connection to ${url} ${connected ? 'lost' : 'failed'}`)
      // Release the stores; without reconnectPeriod the client would not come back anyway.
      client.end(true, () => resolve({ reason, connected }))
    })
  })

  return {
    ended,
    ready: () => subscribed && client.connected,
    async finish() {
      finishing = true
      await inHand
      // DISCONNECT without unsubscribing: the broker keeps queueing for us. mqtt.js first waits
      // for our own packets in flight (a SUBACK); give it a moment, then just close.
      if (client.connected) await Promise.race([client.endAsync(false), sleep(1000)])
      // Still open, or never connected: close the socket; the broker keeps the session either way.
      client.stream?.destroy()
      client.end(true)
      await ended
    },
  } satisfies Session
}
