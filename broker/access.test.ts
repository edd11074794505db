import { randomUUID } from 'node:crypto'
import { connect as connectTcp } from 'node:net'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { topics } from '../contract/index.ts'
import { credentials } from '../test/broker/access-support.ts'
import {
  collect,
  connectClient,
  grantedQos,
  startTestBroker,
  type TestBroker,
  testTokens,
  waitFor,
} from '../test/harness.ts'

let broker: TestBroker
beforeAll(async () => {
  broker = await startTestBroker()
})
afterAll(() => broker.close())

const ownGuest = randomUUID()
type Role = keyof typeof credentials

const filters = [
  topics.barOrders,
  topics.barTickets,
  topics.stationOrders('coffee'),
  topics.stationTickets('coffee'),
  'bar/stations/+/tickets',
  'bar/stations/#',
  'bar/stations/Coffee!/tickets',
  'bar/#',
  topics.publicTicker,
  topics.publicMenu,
  'public/#',
  topics.guestOrders(ownGuest),
  'guests/+/orders',
  'guests/#',
  '+/orders',
  '#',
  '$SYS/#',
]

/** The access table of the spec, written out: who may subscribe to which filter. */
const maySubscribe: Record<Role, (filter: string) => boolean> = {
  guest: (f) => f.startsWith('public/') || f === topics.guestOrders(ownGuest),
  bar: (f) => /^(bar|public|guests)\//.test(f),
  printer: (f) =>
    [topics.barOrders, topics.barTickets, 'bar/stations/coffee/orders', 'bar/stations/coffee/tickets'].includes(f),
  service: () => true,
}

describe.each(['tcp', 'ws'] as const)('access over %s', (transport) => {
  const connect = (role: Role, options = {}) =>
    connectClient(transport === 'tcp' ? broker.url : broker.wsUrl, { ...credentials[role], ...options })

  describe.each(Object.keys(credentials) as Role[])('%s', (role) => {
    test.each(filters)('subscribe %s', async (filter) => {
      const client = await connect(role)
      // [MQTT-3.9.3-1] 0x80 refuses one subscription; the connection stays.
      expect(await grantedQos(client, filter)).toBe(maySubscribe[role](filter) ? 1 : 0x80)
      expect(client.connected).toBe(true)
      await client.endAsync()
    })

    test('publish', async () => {
      const watcher = await connect('service')
      const inbox = collect(watcher)
      await watcher.subscribeAsync('#', { qos: 1 })
      const client = await connect(role)
      const topic = role === 'service' ? topics.barOrders : topics.publicMenu
      const marker = `from-${role}-${randomUUID()}`
      // What the topic holds before: a refused retained publish must not replace it.
      const before = `before-${randomUUID()}`
      if (role !== 'service') await watcher.publishAsync(topic, before, { qos: 1, retain: true })
      client.on('error', () => {})
      client.publish(topic, marker, { qos: 1, retain: role !== 'service' }, () => {})
      if (role === 'service') {
        await inbox.next((m) => m.payload === marker)
        await client.endAsync()
      } else {
        // Refused: the broker closes the connection and nobody receives it, retained or not.
        await waitFor(() => !client.connected, 5000, 'the broker to close the refused connection')
        // Delivered after anything the broker accepted before the refusal: once it is here, the
        // marker would be too.
        const fence = `fence-${randomUUID()}`
        await watcher.publishAsync(topic, fence, { qos: 1 })
        await inbox.next((m) => m.payload === fence)
        expect(inbox.received.some((m) => m.payload === marker)).toBe(false)
        const late = await connect('service')
        const lateInbox = collect(late)
        await late.subscribeAsync(topic, { qos: 1 })
        // A topic retains one message: the one that arrives is the latest the broker kept.
        expect((await lateInbox.next((m) => m.topic === topic)).payload).toBe(before)
        expect(lateInbox.received.some((m) => m.payload === marker)).toBe(false)
        await late.endAsync()
        client.end(true)
      }
      await watcher.endAsync()
    })
  })

  test('wrong credentials are refused at CONNECT', async () => {
    await expect(connect('guest', { username: 'bar', password: 'wrong' })).rejects.toThrow(/Bad username or password/i)
    await expect(connect('guest', { username: 'admin', password: testTokens.serviceToken })).rejects.toThrow()
  })
})

test('a bar client receives what the service publishes', async () => {
  const bar: MqttClient = await connectClient(broker.url, credentials.bar)
  await bar.subscribeAsync('bar/#', { qos: 1 })
  const inbox = collect(bar)
  const service = await connectClient(broker.url, credentials.service)
  await service.publishAsync(topics.barOrders, '{"event":"placed"}', { qos: 1 })
  expect((await inbox.next((m) => m.topic === topics.barOrders)).payload).toBe('{"event":"placed"}')
  await Promise.all([bar.endAsync(), service.endAsync()])
})

// mqtt.js will not even send such a CONNECT, so it is written byte by byte.
test('an empty client id with a persistent session is refused with CONNACK 0x02 [MQTT-3.1.3-8]', async () => {
  const { port } = new URL(broker.url)
  const socket = connectTcp(Number(port), '127.0.0.1')
  const reply = new Promise<Buffer>((resolve) => socket.once('data', resolve))
  // CONNECT, MQTT 3.1.1, flags 0 (clean session 0), keep alive 30 s, client id of length 0.
  socket.write(Buffer.from([0x10, 12, 0, 4, ...Buffer.from('MQTT'), 4, 0x00, 0, 30, 0, 0]))
  // CONNACK: session present 0, return code 2 (identifier rejected).
  expect([...(await reply)]).toEqual([0x20, 2, 0, 2])
  socket.destroy()
})
