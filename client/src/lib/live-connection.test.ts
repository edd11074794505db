import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { signal } from '@preact/signals-core'
import { Aedes, type AuthenticateError } from 'aedes'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebSocketStream, WebSocketServer } from 'ws'
import { LiveConnection, type LiveMessage, type LiveOptions, liveUrl } from './live-connection.ts'
import { openSession } from './mqtt-session.ts'

// A real broker over WebSocket, in process: a plain Aedes that lets guests in without
// credentials and the bar in with its token, as the project's broker does.
let broker: Aedes
let server: Server
let sockets: WebSocketServer
let url: string

beforeAll(async () => {
  broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      if (!username || (username === 'bar' && password?.toString() === 'secret')) return done(null, true)
      const error = new Error('bad credentials') as AuthenticateError
      error.returnCode = 4
      done(error, false)
    },
  })
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
  await new Promise<void>((resolve) => broker.close(() => resolve()))
})

async function until(check: () => boolean, what: string, timeout = 5000) {
  const end = Date.now() + timeout
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

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
    await until(() => connects() === 1, 'the catch-up after SUBACK')
    expect(live.state.value).toBe('online')
    // A payload that is not what the topic carries never reaches the page.
    await publish('public/menu', { drinks: 'none' })
    await publish('public/menu', { drinks: [] })
    await until(() => received.length > 0, 'a message')
    expect(received).toEqual([{ topic: 'public/menu', kind: 'menu', payload: { drinks: [] } }])
    live[Symbol.dispose]()
  })

  it('reconnects by itself after a drop and says so, to catch up again', async () => {
    const { live, connects } = connect()
    await until(() => live.state.value === 'online', 'online')
    for (const socket of sockets.clients) socket.terminate()
    await until(() => live.state.value !== 'online', 'the drop to show')
    await until(() => live.state.value === 'online' && connects() === 2, 'the reconnect')
    live[Symbol.dispose]()
  })

  it('is never online while the device has no network, and connects afresh when it is back', async () => {
    const online = signal(true)
    const { live, connects } = connect({ online })
    await until(() => live.state.value === 'online' && connects() === 1, 'online')
    // The socket may outlive the network for a while; the page does not take its word for it.
    online.value = false
    expect(live.state.value).toBe('offline')
    online.value = true
    await until(() => connects() === 2 && live.state.value === 'online', 'a fresh connection and catch-up')
    live[Symbol.dispose]()
  })

  it('signs in the bar with its token', async () => {
    const { live } = connect({ username: 'bar', password: 'secret', topics: { 'bar/orders': 'orderEvent' } })
    await until(() => live.state.value === 'online', 'online')
    live[Symbol.dispose]()
  })

  it('stops and reports a refused token instead of retrying forever', async () => {
    const { live, connects } = connect({ username: 'bar', password: 'wrong' })
    await until(() => live.state.value === 'refused', 'the refusal')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(live.state.value).toBe('refused')
    expect(connects()).toBe(0)
    live[Symbol.dispose]()
  })

  it('closes the connection when disposed', async () => {
    const { live } = connect()
    await until(() => live.state.value === 'online', 'online')
    const before = broker.connectedClients
    live[Symbol.dispose]()
    await until(() => broker.connectedClients < before, 'the broker to see it leave')
  })
})
