import mqtt from 'mqtt'
import type { Message } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'

/** Where functions send MQTT messages. */
export interface Publisher {
  /** Resolves once the broker acknowledged the message (QoS 1) or it was written (QoS 0). */
  publish(message: Message): Promise<void>
  /** Whether the broker is connected right now. */
  connected(): boolean
  close(): Promise<void>
}

export interface MqttPublisherOptions {
  /** `mqtt://host:port` or `ws://host:port/mqtt`. */
  url: string
  username: string
  password: string
  log: Logger
  /** How long a publish may wait for its acknowledgement; the outbox covers the rest. Default 5 s. */
  timeoutMs?: number
}

/**
 * An MQTT client with the service credentials. While the broker is away, publishing fails fast
 * instead of queueing in memory: the order is already in the outbox, and the broker relays it.
 */
export function createMqttPublisher({
  url,
  username,
  password,
  log,
  timeoutMs = 5000,
}: MqttPublisherOptions): Publisher {
  const client = mqtt.connect(url, {
    username,
    password,
    clientId: `fn-${Math.random().toString(16).slice(2, 10)}`,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    queueQoSZero: false,
  })
  // Reconnect attempts repeat every second while the broker is away: log changes, not attempts.
  let lastError = ''
  client.on('connect', () => {
    log.info(`publisher connected to ${url}`)
    lastError = ''
  })
  client.on('offline', () => log.warn(`publisher lost the broker at ${url}; retrying every second`))
  client.on('error', (error) => {
    if (error.message !== lastError) log.warn(`publisher: ${error.message}`)
    lastError = error.message
  })

  return {
    connected: () => client.connected,
    async publish({ topic, payload, qos, retain }) {
      if (!client.connected) throw new Error('broker not connected')
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('broker did not acknowledge in time')), timeoutMs)
      })
      try {
        await Promise.race([client.publishAsync(topic, payload, { qos, retain }), timeout])
      } finally {
        clearTimeout(timer)
      }
    },
    close: () => client.endAsync(),
  }
}
