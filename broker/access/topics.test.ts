import { randomBytes, randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { topics } from '../../contract/index.ts'
import {
  accessBrokersForFile,
  closed,
  connectAdmitted,
  connectRecording,
  credentials,
  storedFilters,
  subscribeAll,
  transports,
  tryConnect,
} from '../../test/broker/access-support.ts'
import { waitFor } from '../../test/harness.ts'
import { openRaw, rawPackets } from '../../test/raw-mqtt.ts'

const access = accessBrokersForFile('mqtt_access_topics')

describe.each(transports)('over %s', (transport) => {
  const url = () => access.broker.url(transport)

  /** The broker still serves: a retained message published now reaches a new subscriber. */
  async function stillServing() {
    const service = await connectAdmitted(url(), credentials.service)
    const marker = randomUUID()
    await service.publishAsync(`public/alive/${marker}`, marker, { qos: 1, retain: true })
    const guest = await connectRecording(url(), {})
    await guest.client.subscribeAsync(`public/alive/${marker}`, { qos: 1 })
    await waitFor(() => guest.received.some((m) => m.payload === marker))
    await Promise.all([service.endAsync(), guest.client.endAsync()])
  }

  test('SUBSCRIBE to a filter with U+0000 closes that connection [MQTT-1.5.3-2], the broker goes on', async () => {
    const guest = await connectAdmitted(url(), {})
    guest.on('error', () => {})
    guest.subscribe('public/\u0000', { qos: 0 })
    await closed(guest)
    guest.end(true)
    await stillServing()
  })

  test('SUBSCRIBE to ill-formed UTF-8 closes that connection [MQTT-1.5.3-1]', async () => {
    const raw = await openRaw(url())
    await raw.send(rawPackets.connect(`raw-${randomBytes(4).toString('hex')}`))
    await waitFor(() => raw.received().length >= 4, 5000, 'the CONNACK')
    expect([...raw.received()]).toEqual([0x20, 2, 0, 0])
    await raw.send(rawPackets.subscribe(Buffer.from([...Buffer.from('public/'), 0xc3, 0x28])))
    await raw.waitClosed()
    await stillServing()
  })

  test('UNSUBSCRIBE of a filter with U+0000 closes that connection; the session keeps its filters', async () => {
    const clientId = `service-${randomBytes(4).toString('hex')}`
    const service = await connectAdmitted(url(), { ...credentials.service, clientId, clean: false })
    await subscribeAll(service, [topics.barOrders])
    service.on('error', () => {})
    service.unsubscribe(['bar/\u0000'])
    await closed(service)
    service.end(true)
    expect(await storedFilters(access.schema.sql, clientId)).toEqual([topics.barOrders])
  })

  test('PUBLISH to a topic with U+0000 closes that connection and stores nothing', async () => {
    const service = await connectAdmitted(url(), credentials.service)
    service.on('error', () => {})
    service.publish('public/\u0000x', 'poison', { qos: 1, retain: true })
    await closed(service)
    service.end(true)
    expect(await access.schema.sql`select topic from mqtt_retained where payload = ${Buffer.from('poison')}`).toEqual(
      [],
    )
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
      expect(await access.schema.sql`select 1 from mqtt_wills where client_id = ${clientId}`).toEqual([])
      await stillServing()
    },
  )
})
