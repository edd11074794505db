import mqtt from 'mqtt'
import type { LiveOptions, LiveState } from './live-connection.ts'
import { parseJson } from './payloads.ts'

// CONNACK return codes for bad credentials: MQTT 3.1.1 (4, 5) and MQTT 5 (134, 135).
const refusedCodes = new Set([4, 5, 134, 135])

/**
 * Connects with mqtt.js and reports state changes. Loaded on demand by LiveConnection together
 * with mqtt.js itself. Errors in handlers are logged, never thrown into mqtt.js.
 */
export function openSession(options: LiveOptions, setState: (state: LiveState) => void): { end(): void } {
  const log = options.log ?? console
  let refused = false
  const client = mqtt.connect(options.url, {
    username: options.username,
    password: options.password,
    protocolVersion: 4,
    clean: true,
    // Subscribing on every connect below is explicit, so mqtt.js must not repeat it.
    resubscribe: false,
    reconnectPeriod: options.reconnectPeriod ?? 3000,
    connectTimeout: 10_000,
    keepalive: 30,
    // mqtt.js would otherwise run its keepalive timer in a blob: worker, which the page's
    // Content-Security-Policy (script-src 'self') refuses, leaving the pings unsent.
    timerVariant: 'native',
  })

  client.on('connect', () => {
    setState('online')
    client.subscribe([...options.topics], { qos: 1 }, (error, granted) => {
      if (error) log.warn('subscribe failed', error)
      for (const grant of granted ?? []) if (grant.qos === 128) log.warn('subscription refused', grant.topic)
      // Catching up only once the broker has the subscriptions: whatever changes after the
      // API's answer then arrives live, so no gap is left between the two.
      try {
        options.onConnect()
      } catch (caught) {
        log.warn('catch-up failed', caught)
      }
    })
  })
  client.on('reconnect', () => setState('connecting'))
  client.on('close', () => {
    if (!refused) setState('offline')
  })
  client.on('error', (error) => {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'number' && refusedCodes.has(code)) {
      refused = true
      setState('refused')
      client.end(true)
    } else {
      log.warn('mqtt error', error.message)
    }
  })
  client.on('message', (topic, payload) => {
    try {
      options.onMessage(topic, parseJson(payload))
    } catch (error) {
      log.warn('message handler failed', topic, error)
    }
  })

  return { end: () => void client.end(true) }
}
