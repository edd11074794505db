import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { topics } from '../../contract/index.ts'
import { waitFor } from '../../test/harness.ts'
import { createTestSchema, type TestSchema } from '../migrations/test-schema.ts'
import {
  type AccessBroker,
  closed,
  connectRecording,
  credentials,
  rawConnection,
  rawPackets,
  startAccessBroker,
  storedFilters,
  subscribeAll,
  transports,
  tryConnect,
} from './test-support.ts'

let schema: TestSchema
let broker: AccessBroker

beforeAll(async () => {
  schema = await createTestSchema('mqtt_access_topics')
  broker = await startAccessBroker(schema.sql)
})
afterAll(async () => {
  await broker.close()
  await schema.drop()
})

describe.each(transports)('over %s', (transport) => {
  const url = () => broker.url(transport)

  /** The broker still serves: a retained message published now reaches a new subscriber. */
  async function stillServing() {
    const service = await tryConnect(url(), credentials.service)
    if (!service.client) throw new Error('service refused')
    const marker = randomUUID()
    await service.client.publishAsync(`public/alive/${marker}`, marker, { qos: 1, retain: true })
    const guest = await connectRecording(url(), {})
    await guest.client.subscribeAsync(`public/alive/${marker}`, { qos: 1 })
    await waitFor(() => guest.received.some((m) => m.payload === marker))
    await Promise.all([service.client.endAsync(), guest.client.endAsync()])
  }

  test('SUBSCRIBE to a filter with U+0000 closes that connection [MQTT-1.5.3-2], the broker goes on', async () => {
    const guest = await tryConnect(url(), {})
    if (!guest.client) throw new Error('guest refused')
    guest.client.on('error', () => {})
    guest.client.subscribe('public/\u0000', { qos: 0 })
    await closed(guest.client)
    guest.client.end(true)
    await stillServing()
  })

  test('SUBSCRIBE to ill-formed UTF-8 closes that connection [MQTT-1.5.3-1]', async () => {
    const raw = await rawConnection(url())
    raw.send(rawPackets.connect(`raw-${randomBytes(4).toString('hex')}`))
    expect([...(await raw.replies(4))]).toEqual([0x20, 2, 0, 0])
    raw.send(rawPackets.subscribe(Buffer.from([...Buffer.from('public/'), 0xc3, 0x28])))
    await raw.closed
    await stillServing()
  })

  test('UNSUBSCRIBE of a filter with U+0000 closes that connection; the session keeps its filters', async () => {
    const clientId = `service-${randomBytes(4).toString('hex')}`
    const service = await tryConnect(url(), { ...credentials.service, clientId, clean: false })
    if (!service.client) throw new Error('service refused')
    await subscribeAll(service.client, [topics.barOrders])
    service.client.on('error', () => {})
    service.client.unsubscribe(['bar/\u0000'])
    await closed(service.client)
    service.client.end(true)
    expect(await storedFilters(schema.sql, clientId)).toEqual([topics.barOrders])
  })

  test('PUBLISH to a topic with U+0000 closes that connection and stores nothing', async () => {
    const service = await tryConnect(url(), credentials.service)
    if (!service.client) throw new Error('service refused')
    service.client.on('error', () => {})
    service.client.publish('public/\u0000x', 'poison', { qos: 1, retain: true })
    await closed(service.client)
    service.client.end(true)
    expect(await schema.sql`select topic from mqtt_retained where payload = ${Buffer.from('poison')}`).toEqual([])
    await stillServing()
  })

  test.each(['guest', 'service'] as const)(
    'a %s will on a topic with U+0000 is refused at CONNECT (5)',
    async (role) => {
      const clientId = `will-${randomBytes(4).toString('hex')}`
      const outcome = await tryConnect(url(), {
        ...credentials[role],
        clientId,
        will: { topic: 'public/\u0000x', payload: Buffer.from('poison'), qos: 1, retain: true },
      })
      outcome.client?.end(true)
      expect(outcome.refused).toBe(5)
      expect(await schema.sql`select 1 from mqtt_wills where client_id = ${clientId}`).toEqual([])
      await stillServing()
    },
  )
})
