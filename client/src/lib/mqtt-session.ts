import mqtt from 'mqtt'
import { backoffDelay } from '../../../contract/index.ts'
import { reconnectPolicy } from './backoff.ts'
import type { LiveMessage, Session, SessionConfig, SessionEvents } from './live-session.ts'
import { fitsKind, parseJson } from './payloads.ts'

// CONNACK return codes for bad credentials: MQTT 3.1.1 (4, 5) and MQTT 5 (134, 135).
const refusedCodes = new Set([4, 5, 134, 135])

/**
 * Connects with mqtt.js, subscribes on every connect, checks each payload against the kind its
 * topic carries, and reports through `events`. In the page this runs in a Web Worker
 * (mqtt-worker.ts), so mqtt.js never costs the page's main thread.
 */
export function openSession(config: SessionConfig, events: SessionEvents): Session {
  let refused = false
  let ended = false
  let attempts = 0
  let retry: ReturnType<typeof setTimeout> | undefined
  const policy = reconnectPolicy(config.reconnectPeriod)
  const client = mqtt.connect(config.url, {
    username: config.username,
    password: config.password,
    protocolVersion: 4,
    clean: true,
    // Subscribing on every connect below is explicit, so mqtt.js must not repeat it.
    resubscribe: false,
    // Reconnecting is ours (below): mqtt.js' fixed period would bring every phone of a venue back
    // in the same instant after a Wi-Fi drop.
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 30,
    // mqtt.js would otherwise run its keepalive timer in a blob: worker, which the page's
    // Content-Security-Policy (script-src 'self') refuses, leaving the pings unsent.
    timerVariant: 'native',
  })

  client.on('connect', () => {
    attempts = 0
    events.state('online')
    client.subscribe(Object.keys(config.topics), { qos: 1 }, (error, granted) => {
      if (error) events.warn('subscribe failed', error.message)
      for (const grant of granted ?? []) if (grant.qos === 128) events.warn('subscription refused', grant.topic)
      // The page catches up from the API only once the broker has the subscriptions: whatever
      // changes after the API's answer then arrives live, so no gap is left between the two.
      events.subscribed()
    })
  })
  client.on('close', () => {
    if (refused || ended) return
    events.state('offline')
    clearTimeout(retry)
    retry = setTimeout(
      () => {
        if (refused || ended) return
        events.state('connecting')
        client.reconnect()
      },
      backoffDelay(++attempts, policy),
    )
  })
  client.on('error', (error) => {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'number' && refusedCodes.has(code)) {
      refused = true
      events.state('refused')
      client.end(true)
    } else {
      events.warn('mqtt error', error.message)
    }
  })
  client.on('message', (topic, bytes) => {
    const kind = config.topics[topic]
    const payload = parseJson(bytes)
    if (kind && fitsKind(kind, payload)) events.message({ topic, kind, payload } as LiveMessage)
    else events.warn('unexpected message on', topic)
  })

  return {
    end() {
      ended = true
      clearTimeout(retry)
      client.end(true)
    },
    // The network came back or went: a socket from before may be dead without knowing it yet,
    // so it is dropped (the close schedules the reconnect); one waiting for its next try tries
    // now. Either way the page subscribes again and catches up.
    renew() {
      if (ended || refused) return
      if (client.connected) {
        client.stream.destroy()
        return
      }
      clearTimeout(retry)
      attempts = 0
      events.state('connecting')
      client.reconnect()
    },
  }
}
