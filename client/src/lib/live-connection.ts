import { createModel, effect, signal } from '@preact/signals'

/** `refused`: the broker turned the credentials down; the page stops retrying. */
export type LiveState = 'connecting' | 'online' | 'offline' | 'refused'

export interface LiveOptions {
  url: string
  username?: string
  password?: string
  topics: readonly string[]
  /** A message, its payload parsed as JSON (null when it is not JSON). */
  onMessage: (topic: string, payload: unknown) => void
  /**
   * Runs once the subscriptions are in place, after the first connect and every reconnect:
   * where the page catches up from the API.
   */
  onConnect: () => void
  /** Milliseconds between reconnect attempts. */
  reconnectPeriod?: number
  log?: Pick<Console, 'warn'>
}

/** The WebSocket address of the broker: `/mqtt` on the page's own host. */
export function liveUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/mqtt`
}

/**
 * One MQTT connection over WebSocket that reconnects by itself and reports its state. mqtt.js
 * (about 100 KB) and the code that drives it are loaded only when `start` is called, so they
 * never delay the first paint.
 */
export const LiveConnection = createModel((options: LiveOptions) => {
  const state = signal<LiveState>('connecting')
  const retry = options.reconnectPeriod ?? 3000
  let session: { end(): void } | null = null
  let started = false
  let stopped = false

  async function open(): Promise<void> {
    try {
      const { openSession } = await import('./mqtt-session.ts')
      if (stopped) return
      session = openSession(options, (next) => {
        state.value = next
      })
    } catch (error) {
      // The script itself did not load (offline?): try again as a reconnect would.
      ;(options.log ?? console).warn('mqtt client did not load', error)
      state.value = 'offline'
      if (!stopped) setTimeout(open, retry)
    }
  }

  // Closes the socket when the model is disposed.
  effect(() => () => {
    stopped = true
    session?.end()
  })

  return {
    state,
    /** Connects; a second call does nothing. */
    start() {
      if (started) return
      started = true
      void open()
    },
  }
})

export type LiveConnection = InstanceType<typeof LiveConnection>
