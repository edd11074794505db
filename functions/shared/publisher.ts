import { backoffDelay, type Publisher } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'
import { createPacketReader, encodeConnect, encodePublish, type Packet, packetType, pingreq } from './mqtt-wire.ts'
import { openTransport, type Transport } from './transport.ts'

export type { Publisher }

export interface MqttPublisherOptions {
  /** `mqtt://host:port`, `mqtts://…`, or `ws://host:port/mqtt` (WebSocket needs Node 22). */
  url: string
  username: string
  password: string
  log: Logger
  /** How long a publish may wait for its acknowledgement; the outbox covers the rest. Default 2 s. */
  timeoutMs?: number
  /**
   * QoS 1 messages sent and not yet acknowledged, at most; more fail at once (the outbox keeps
   * them). Default 1,000: about 330 orders, a tenth of a second of a broker's work.
   */
  maxInFlight?: number
  /**
   * Behind, once at least `rushInFlight` messages are in flight and the oldest waited this
   * long for its acknowledgement. Default 250 ms; a few slow ones (a pause) are not a rush.
   */
  maxAckWaitMs?: number
  /** Default 64. */
  rushInFlight?: number
  /** Default 30 s: the broker closes a silent connection after 1.5 times that [MQTT-3.1.2-24]. */
  keepaliveSeconds?: number
  /** Reconnect delays: up to this, doubling, up to 5 s, full jitter (contract/backoff.ts). Default 250 ms. */
  reconnectMs?: number
}

export const publisherDefaults = {
  timeoutMs: 2000,
  maxInFlight: 1000,
  maxAckWaitMs: 250,
  rushInFlight: 64,
  keepaliveSeconds: 30,
  reconnectMs: 250,
}

interface InFlight {
  resolve(): void
  reject(error: Error): void
  timer: NodeJS.Timeout
  sentAt: number
}

/**
 * A publish-only MQTT client with the service credentials. While the broker is away, publishing
 * fails fast instead of queueing in memory: the message is already in the outbox, which the
 * broker relays. Writes of one event-loop turn leave in one socket write.
 */
export function createMqttPublisher(options: MqttPublisherOptions): Publisher {
  const { url, username, password, log } = options
  const { timeoutMs, maxInFlight, maxAckWaitMs, rushInFlight, keepaliveSeconds, reconnectMs } = {
    ...publisherDefaults,
    ...options,
  }
  const clientId = `fn-${Math.random().toString(16).slice(2, 10)}`
  const inFlight = new Map<number, InFlight>()
  let transport: Transport | null = null
  let ready = false
  let closed = false
  let attempt = 0
  let nextId = 0
  let lastError = ''
  let retry: NodeJS.Timeout | undefined
  let ping: NodeJS.Timeout | undefined
  let heard = Date.now()
  let queued: Buffer[] = []

  const flushWrites = () => {
    if (queued.length === 0 || !transport) return
    transport.write(queued.length === 1 ? (queued[0] as Buffer) : Buffer.concat(queued))
    queued = []
  }
  const send = (bytes: Buffer) => {
    if (queued.length === 0) setImmediate(flushWrites)
    queued.push(bytes)
  }

  const failAll = (reason: string) => {
    for (const [id, entry] of inFlight) {
      clearTimeout(entry.timer)
      entry.reject(new Error(reason))
      inFlight.delete(id)
    }
  }

  const onPacket = ({ type, body }: Packet) => {
    heard = Date.now()
    if (type === packetType.connack) {
      const code = body[1] ?? 255
      if (code !== 0) {
        // 4 and 5: wrong credentials or not authorised [MQTT-3.2.2.3].
        report(`the broker refused the connection (CONNACK ${code})`)
        transport?.close()
        return
      }
      ready = true
      attempt = 0
      lastError = ''
      log.info(`publisher connected to ${url}`)
    } else if (type === packetType.puback) {
      const entry = inFlight.get(body.readUInt16BE(0))
      if (!entry) return // it timed out; the outbox has it
      inFlight.delete(body.readUInt16BE(0))
      clearTimeout(entry.timer)
      entry.resolve()
    }
  }

  // Reconnect attempts repeat while the broker is away: log changes, not attempts.
  const report = (message: string) => {
    if (message !== lastError) log.warn(`publisher: ${message}`)
    lastError = message
  }

  const connect = () => {
    retry = undefined
    const current = openTransport(url, {
      onData: (chunk) => reader(chunk),
      onError: (error) => report(error.message),
      onClose: () => {
        if (transport !== current) return
        if (ready) log.warn(`publisher lost the broker at ${url}; reconnecting`)
        transport = null
        ready = false
        queued = []
        failAll('broker connection lost')
        clearInterval(ping)
        if (closed) return
        retry = setTimeout(connect, backoffDelay(++attempt, { baseMs: reconnectMs, maxMs: 5000 }))
      },
    })
    const reader = createPacketReaderSafe(onPacket, () => {
      report('the broker sent a malformed packet; reconnecting')
      current.close()
    })
    transport = current
    heard = Date.now()
    current.write(encodeConnect({ clientId, username, password, keepaliveSeconds }))
    // A PINGREQ every half keepalive; silence for 1.5 keepalives means the connection is dead.
    ping = setInterval(() => {
      if (Date.now() - heard > keepaliveSeconds * 1500) current.close()
      else send(pingreq)
    }, keepaliveSeconds * 500)
    ping.unref()
  }
  connect()

  return {
    connected: () => ready,
    saturated: () => {
      if (!ready) return false
      if (inFlight.size >= maxInFlight) return true
      // Map iteration follows insertion: the first entry is the oldest in flight.
      const oldest = inFlight.values().next().value
      return inFlight.size >= rushInFlight && !!oldest && performance.now() - oldest.sentAt > maxAckWaitMs
    },
    publish({ topic, payload, qos, retain }) {
      if (!ready) return Promise.reject(new Error('broker not connected'))
      const bytes = Buffer.from(payload)
      if (qos === 0) {
        send(encodePublish(topic, bytes, { qos, retain }))
        return Promise.resolve()
      }
      if (inFlight.size >= maxInFlight) return Promise.reject(new Error(`${maxInFlight} messages already in flight`))
      do nextId = (nextId % 65535) + 1
      while (inFlight.has(nextId))
      const packetId = nextId
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          inFlight.delete(packetId)
          reject(new Error('broker did not acknowledge in time'))
        }, timeoutMs)
        inFlight.set(packetId, { resolve, reject, timer, sentAt: performance.now() })
        send(encodePublish(topic, bytes, { qos, retain, packetId }))
      })
    },
    async close() {
      closed = true
      clearTimeout(retry)
      clearInterval(ping)
      flushWrites()
      await transport?.end()
    },
  }
}

/** A broker that sends garbage gets its connection closed, not the process crashed. */
function createPacketReaderSafe(onPacket: (packet: Packet) => void, onMalformed: () => void) {
  const read = createPacketReader(onPacket)
  return (chunk: Buffer) => {
    try {
      read(chunk)
    } catch {
      onMalformed()
    }
  }
}
