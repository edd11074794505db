import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebSocketStream, WebSocketServer } from 'ws'
import { backoffDelay } from '../../../contract/index.ts'
import { waitFor } from '../../../test/wait.ts'
import { reconnectBackoff } from './backoff.ts'
import { openSession } from './mqtt-session.ts'

/** A small deterministic generator, so that the spread asserted is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

describe('backoffDelay', () => {
  it('spreads 2,000 first attempts over the whole first window instead of one instant', () => {
    const random = seeded(7)
    const delays = Array.from({ length: 2000 }, () => backoffDelay(1, reconnectBackoff, random))
    const buckets = new Array(20).fill(0)
    for (const delay of delays) buckets[Math.min(19, Math.floor((delay / reconnectBackoff.baseMs) * 20))]++
    // 100 ms buckets: about 100 phones each, none empty and none with a crowd.
    expect(Math.min(...buckets)).toBeGreaterThan(50)
    expect(Math.max(...buckets)).toBeLessThan(150)
    expect(Math.max(...delays)).toBeLessThanOrEqual(reconnectBackoff.baseMs)
  })

  it('doubles the window per failed attempt and never waits longer than the cap', () => {
    const always = (value: number) => () => value
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { baseMs: 100, maxMs: 10_000 }, always(1)))).toEqual([
      100, 200, 400, 800,
    ])
    for (const attempt of [5, 10, 50, 1000])
      expect(backoffDelay(attempt, reconnectBackoff, always(0.999_999))).toBeLessThanOrEqual(reconnectBackoff.maxMs)
    expect(backoffDelay(1000, reconnectBackoff, always(0.999_999))).toBeGreaterThan(reconnectBackoff.maxMs * 0.99)
  })
})

// The guest page's own session (mqtt-session.ts, run here in Node) against a real broker.
let broker: Aedes
let server: Server
let sockets: WebSocketServer
let url: string

beforeAll(async () => {
  broker = await Aedes.createBroker()
  server = createServer()
  sockets = new WebSocketServer({ server, path: '/mqtt' })
  sockets.on('connection', (socket) => broker.handle(createWebSocketStream(socket)))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/mqtt`
})

afterAll(async () => {
  for (const socket of sockets.clients) socket.terminate()
  await new Promise((resolve) => sockets.close(resolve))
  await new Promise((resolve) => server.close(resolve))
  await new Promise<void>((resolve) => broker.close(() => resolve()))
})

describe('the page session after everyone dropped at once', () => {
  it('comes back spread out, not in lock-step', async () => {
    const count = 30
    const baseMs = 1000
    let online = 0
    const sessions = Array.from({ length: count }, () =>
      openSession(
        { url, topics: { 'public/menu': 'menu' }, reconnectPeriod: baseMs },
        {
          state: () => {},
          subscribed: () => online++,
          message: () => {},
          warn: () => {},
          failed: () => {},
        },
      ),
    )
    await waitFor(() => online === count, 10_000, 'every session subscribed')
    const connectedAt: number[] = []
    const onClient = () => connectedAt.push(performance.now())
    broker.on('client', onClient)
    for (const socket of sockets.clients) socket.terminate()
    await waitFor(() => connectedAt.length === count, 10_000, 'every session back')
    broker.off('client', onClient)
    for (const session of sessions) session.end()
    // Drawn uniformly from 0-1,000 ms, 30 reconnects span far more than a lock-step instant.
    const spread = Math.max(...connectedAt) - Math.min(...connectedAt)
    expect(spread).toBeGreaterThan(baseMs * 0.4)
  })
})
