/**
 * The bar's view in the order-path bench: a subscriber on `bar/orders` that times each placed
 * order from the moment its request was sent, which the load generator writes into the order's
 * note (`t<epoch ms>`), so no map of sent requests is needed and wrk can take part.
 */
import mqtt from 'mqtt'

/** The note that carries when the request was sent. */
export const sentNote = (epochMs: number) => `t${epochMs.toFixed(1)}`

export interface BarRun {
  /** Distinct orders received. */
  delivered: number
  /** Deliveries of an order already received. */
  duplicates: number
  /** Request sent → bar, in ms, one per distinct order, sorted. */
  latencies: number[]
}

export async function watchBar(url: string, password: string) {
  const client = await mqtt.connectAsync(url, { username: 'bar', password, reconnectPeriod: 0 })
  // As a browser's WebSocket does (ws sets it too): its PUBACKs are not held back by Nagle.
  ;(client.stream as unknown as { setNoDelay?(noDelay: boolean): void }).setNoDelay?.(true)
  await client.subscribeAsync('bar/orders', { qos: 1 })
  let seen = new Set<string>()
  let latencies: number[] = []
  let duplicates = 0
  let since = 0
  client.on('message', (_, payload) => {
    const now = Date.now()
    const { event, order } = JSON.parse(payload.toString()) as { event: string; order: { id: string; note: string } }
    const sent = /^t([\d.]+)$/.exec(order.note)
    // Orders of an earlier run that arrive late are not this run's.
    if (event !== 'placed' || Number(sent?.[1] ?? 0) < since) return
    if (seen.has(order.id)) {
      duplicates++
      return
    }
    seen.add(order.id)
    latencies.push(now - Number(sent?.[1]))
  })
  return {
    /** Starts a new run: forgets what was received, and ignores orders sent before now. */
    reset() {
      since = Date.now()
      seen = new Set()
      latencies = []
      duplicates = 0
    },
    /** Waits until `acknowledged` distinct orders arrived, or `timeoutMs` passed; then sums up. */
    async settle(acknowledged: number, timeoutMs: number): Promise<BarRun> {
      const until = Date.now() + timeoutMs
      while (seen.size < acknowledged && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
      return { delivered: seen.size, duplicates, latencies: [...latencies].sort((a, b) => a - b) }
    },
    close: () => client.endAsync(),
  }
}
