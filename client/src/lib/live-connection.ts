import type { ReadonlySignal } from '@preact/signals-core'
import { computed, createModel, effect, signal } from '@preact/signals-core'
import { backoffDelay } from '../../../contract/index.ts'
import { reconnectPolicy } from './backoff.ts'
import type { LiveMessage, LiveState, Session, SessionConfig, SessionOpener } from './live-session.ts'
import { openInWorker } from './worker-session.ts'

export type { LiveMessage, LiveState, PayloadKind } from './live-session.ts'
// In a module of its own, so the guest page has the address without this module before its first paint.
export { liveUrl } from './live-url.ts'

export interface LiveOptions extends SessionConfig {
  onMessage: (message: LiveMessage) => void
  /**
   * Runs once the subscriptions are in place, after the first connect and every reconnect:
   * where the page catches up from the API.
   */
  onConnect: () => void
  /** Whether the device has a network (`navigator.onLine`, followed); always by default. */
  online?: ReadonlySignal<boolean>
  /** Where the session runs: a Web Worker in the page; tests open it in Node. */
  open?: SessionOpener
  log?: Pick<Console, 'warn'>
}

/**
 * One MQTT connection over WebSocket that reconnects by itself and reports its state. mqtt.js
 * runs in a Web Worker started by `start`, so it never delays the first paint nor blocks the
 * page while it loads.
 */
export const LiveConnection = createModel((options: LiveOptions) => {
  const { onMessage, onConnect, online, open = openInWorker, log = console, ...config } = options
  const state = signal<LiveState>('connecting')
  const retry = reconnectPolicy(config.reconnectPeriod)
  let failures = 0
  let session: Session | null = null
  let started = false
  let stopped = false

  function start() {
    if (stopped) return
    session = open(config, {
      state: (next) => {
        state.value = next
      },
      subscribed: () => {
        failures = 0
        try {
          onConnect()
        } catch (error) {
          log.warn('catch-up failed', error)
        }
      },
      message: (message) => {
        try {
          onMessage(message)
        } catch (error) {
          log.warn('message handler failed', message.topic, error)
        }
      },
      warn: (...details) => log.warn(...details),
      failed: () => {
        // Tried again as a reconnect would be.
        state.value = 'offline'
        session = null
        setTimeout(start, backoffDelay(++failures, retry))
      },
    })
  }

  // A change of network makes the connection start afresh rather than trust a socket from before.
  let wasOnline = online?.peek()
  effect(() => {
    const now = online?.value
    if (now !== wasOnline) session?.renew()
    wasOnline = now
  })

  // Closes the connection when the model is disposed.
  effect(() => () => {
    stopped = true
    session?.end()
  })

  return {
    /** The connection's state, never "online" while the device has no network. */
    state: computed(() => (online && !online.value && state.value !== 'refused' ? 'offline' : state.value)),
    /** Connects; a second call does nothing. */
    start() {
      if (started) return
      started = true
      start()
    },
  }
})

export type LiveConnection = InstanceType<typeof LiveConnection>
