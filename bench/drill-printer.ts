/**
 * The drill's ticket printer: the printer bridge's persistent session (printer/session.ts, fixed
 * client id, `clean: false`, QoS 1 on `bar/orders`), reconnecting with the bridge's backoff, and
 * noting what it received and when it was away.
 */
import { backoffDelay, topics } from '../contract/index.ts'
import { defaultBackoff, sleep } from '../printer/backoff.ts'
import { openSession } from '../printer/session.ts'
import { benchTokens } from './lib.ts'
import { now } from './venue-guests.ts'

export function startDrillPrinter(url: string, clientId = 'drill-printer') {
  const received = new Map<string, number>()
  let duplicates = 0
  /** Connections and how each began: `session resumed` or `new session`. */
  const connects: { at: number; resumed: boolean }[] = []
  const gaps: { from: number; to?: number }[] = []
  let stopped = false
  let session: ReturnType<typeof openSession> | null = null
  const log = {
    info: (line: string) => {
      if (line.includes('session resumed') || line.includes('new session')) {
        connects.push({ at: now(), resumed: line.includes('session resumed') })
        const gap = gaps.at(-1)
        if (gap && gap.to === undefined) gap.to = now()
      }
    },
    warn: () => {},
    error: () => {},
  }

  const running = (async () => {
    let failures = 0
    while (!stopped) {
      session = openSession({
        url,
        clientId,
        username: 'printer',
        password: benchTokens.PRINTER_TOKEN,
        topics: [topics.barOrders],
        log,
        handle: async (_topic, payload) => {
          const { event, order } = JSON.parse(payload.toString()) as { event: string; order: { id: string } }
          if (event === 'placed') {
            if (received.has(order.id)) duplicates++
            else received.set(order.id, now())
          }
          return 'ack'
        },
      })
      const end = await session.ended
      if (stopped) break
      const last = gaps.at(-1)
      if (!last || last.to !== undefined) gaps.push({ from: now() })
      failures = end.connected ? 1 : failures + 1
      await sleep(backoffDelay(failures, defaultBackoff))
    }
  })()

  return {
    received,
    connects,
    gaps,
    duplicates: () => duplicates,
    async stop() {
      stopped = true
      await session?.finish()
      await running
    },
  }
}
