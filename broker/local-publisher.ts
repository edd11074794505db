import type { Aedes, PublishPacket } from 'aedes'
import type { Publisher } from '../contract/index.ts'

export interface LocalPublisherOptions {
  /** QoS 1 messages handed to the broker and not yet handled, at most. Default 1,000. */
  maxInFlight?: number
  /** Behind, once `rushInFlight` (default 64) are in flight and the oldest waited this long. Default 250 ms. */
  maxAckWaitMs?: number
  rushInFlight?: number
}

/**
 * Hands one message to the broker of this process, as a client's PUBLISH would reach it;
 * resolves once the broker handled it (stored, and passed to the subscribers' queues).
 */
export function publishToBroker(
  broker: Aedes,
  { topic, payload, qos, retain }: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean },
): Promise<void> {
  const packet = { cmd: 'publish', topic, payload, qos, retain, dup: false }
  return new Promise((resolve, reject) => {
    broker.publish(packet as PublishPacket, (error) => (error ? reject(error) : resolve()))
  })
}

/**
 * The all-in-one's publisher: the functions hand messages to the broker of the same process,
 * as the outbox relay does, without encoding them for a loopback socket and parsing them back.
 * The same bounds as the MQTT publisher's (functions/shared/publisher.ts).
 */
export function createLocalPublisher(broker: Aedes, options: LocalPublisherOptions = {}): Publisher {
  const { maxInFlight = 1000, maxAckWaitMs = 250, rushInFlight = 64 } = options
  /** When each message in flight was handed over, oldest first. */
  const inFlight = new Set<{ at: number }>()
  let closed = false
  return {
    connected: () => !closed && !broker.closed,
    saturated() {
      if (inFlight.size >= maxInFlight) return true
      const oldest = inFlight.values().next().value
      return inFlight.size >= rushInFlight && !!oldest && performance.now() - oldest.at > maxAckWaitMs
    },
    publish({ topic, payload, qos, retain }) {
      if (closed || broker.closed) return Promise.reject(new Error('broker closed'))
      if (inFlight.size >= maxInFlight) return Promise.reject(new Error(`${maxInFlight} messages already in flight`))
      const entry = { at: performance.now() }
      inFlight.add(entry)
      return publishToBroker(broker, { topic, payload: Buffer.from(payload), qos, retain }).finally(() =>
        inFlight.delete(entry),
      )
    },
    async close() {
      closed = true
    },
  }
}
