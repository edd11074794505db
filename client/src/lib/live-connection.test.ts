import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { signal } from '@preact/signals-core'
import type { Aedes } from 'aedes'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebSocketStream, WebSocketServer } from 'ws'
import { closeBroker, createBroker } from '../../../broker/broker.ts'
import { quiet, testTokens } from '../../../test/harness.ts'
import { waitFor } from '../../../test/wait.ts'
import { LiveConnection, type LiveMessage, type LiveOptions, liveUrl } from './live-connection.ts'
import { openSession } from './mqtt-session.ts'

// The project's broker with its own access hooks, over WebSocket, in process. The WebSocket
// server is the test's, so that a test can cut the connections under the page's feet.
let broker: Aedes
let server: Server
let sockets: WebSocketServer
let url: string

beforeAll(async () => {
  broker = await createBroker({ credentials: testTokens, log: quiet })
  server = createServer()
  sockets = new WebSocketServer({ server, path: '/mqtt' })
  sockets.on('connection', (socket) => broker.handle(createWebSocketStream(socket)))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = liveUrl({ protocol: 'http:', host: `127.0.0.1:${(server.address() as AddressInfo).port}` })
})

afterAll(async () => {
  for (const socket of sockets.clients) socket.terminate()
  await new Promise((resolve) => sockets.close(resolve))
  await new Promise((resolve) => server.close(resolve))
  await closeBroker(broker)
})

function connect(options: Partial<LiveOptions> = {}) {
  const received: LiveMessage[] = []
  let connects = 0
  const live = new LiveConnection({
    url,
    topics: { 'public/menu': 'menu' },
    reconnectPeriod: 50,
    // In the page the session runs in a Web Worker; here it runs in Node, against a real broker.
    open: openSession,
    log: { warn: () => {} },
    onConnect: () => connects++,
    onMessage: (message) => received.push(message),
    ...options,
  })
  live.start()
  return { live, received, connects: () => connects }
}

function subscribed(topic: string) {
  return new Promise<void>((resolve) => {
    const listener = (subscriptions: { topic: string }[]) => {
      if (!subscriptions.some((s) => s.topic === topic)) return
      broker.off('subscribe', listener)
      resolve()
    }
    broker.on('subscribe', listener)
  })
}

function publish(topic: string, payload: unknown) {
  return new Promise<void>((resolve, reject) =>
    broker.publish(
      { cmd: 'publish', topic, payload: JSON.stringify(payload), qos: 1, retain: false, dup: false },
      (error) => (error ? reject(error) : resolve()),
    ),
  )
}

describe('liveUrl', () => {
  it('uses wss on https pages and the page host', () => {
    expect(liveUrl({ protocol: 'https:', host: 'drinks.example:8443' })).toBe('wss://drinks.example:8443/mqtt')
    expect(liveUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/mqtt')
  })
})

describe('LiveConnection', () => {
  it('connects, subscribes and hands over parsed messages', async () => {
    const ready = subscribed('public/menu')
    const { live, received, connects } = connect()
    expect(live.state.value).toBe('connecting')
    await ready
    await waitFor(() => connects() === 1, 5000, 'the catch-up after SUBACK')
    expect(live.state.value).toBe('online')
    // A payload that is not what the topic carries never reaches the page.
    await publish('public/menu', { drinks: 'none' })
    await publish('public/menu', { drinks: [] })
    await waitFor(() => received.length > 0, 5000, 'a message')
    expect(received).toEqual([{ topic: 'public/menu', kind: 'menu', payload: { drinks: [] } }])
    live[Symbol.dispose]()
  })

  it('reconnects by itself after a drop and says so, to catch up again', async () => {
    const { live, connects } = connect()
    await waitFor(() => live.state.value === 'online', 5000, 'online')
    // Every state after the drop, recorded as it is set: the offline spell may be shorter than a poll.
    const seen: string[] = []
    const stop = live.state.subscribe((state) => seen.push(state))
    for (const socket of sockets.clients) socket.terminate()
    await waitFor(() => seen.some((state) => state !== 'online'), 5000, 'the drop to show')
    await waitFor(() => live.state.value === 'online' && connects() === 2, 5000, 'the reconnect')
    stop()
    live[Symbol.dispose]()
  })

  it('is never online while the device has no network, and connects afresh when it is back', async () => {
    const online = signal(true)
    const { live, connects } = connect({ online })
    await waitFor(() => live.state.value === 'online' && connects() === 1, 5000, 'online')
    // The socket may outlive the network for a while; the page does not take its word for it.
    online.value = false
    expect(live.state.value).toBe('offline')
    online.value = true
    await waitFor(() => connects() === 2 && live.state.value === 'online', 5000, 'a fresh connection and catch-up')
    live[Symbol.dispose]()
  })

  it('signs in the bar with its token', async () => {
    const { live } = connect({ username: 'bar', password: testTokens.barToken, topics: { 'bar/orders': 'orderEvent' } })
    await waitFor(() => live.state.value === 'online', 5000, 'online')
    live[Symbol.dispose]()
  })

  it('stops and reports a refused token instead of retrying forever', async () => {
    const { live, connects } = connect({ username: 'bar', password: 'wrong' })
    await waitFor(() => live.state.value === 'refused', 5000, 'the refusal')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(live.state.value).toBe('refused')
    expect(connects()).toBe(0)
    live[Symbol.dispose]()
  })

  it('closes the connection when disposed', async () => {
    const { live } = connect()
    await waitFor(() => live.state.value === 'online', 5000, 'online')
    const before = broker.connectedClients
    live[Symbol.dispose]()
    await waitFor(() => broker.connectedClients < before, 5000, 'the broker to see it leave')
  })
})
