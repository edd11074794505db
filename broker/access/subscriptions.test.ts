import { randomBytes, randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { topics } from '../../contract/index.ts'
import {
  accessBrokersForFile,
  connectAdmitted,
  connectRecording,
  credentials,
  storedFilters,
  subscribeAll,
  transports,
  tryConnect,
} from '../../test/broker/access-support.ts'
import { waitFor } from '../../test/harness.ts'

/** Every statement the broker's pool sent, to count the subscription writes. */
const statements: string[] = []
const access = accessBrokersForFile('mqtt_access_subscriptions', {
  pool: { debug: (_, query) => statements.push(query) },
})

const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`
const subscriptionWrites = () => statements.filter((query) => /insert into mqtt_subscriptions/i.test(query)).length

describe.each(transports)('over %s', (transport) => {
  const url = () => access.broker.url(transport)

  test('an anonymous client asking for a persistent session is refused (CONNACK 5), nothing stored', async () => {
    // The attack of issue 10: a fixed id, clean session 0, then `#` and `bar/#` next to a public filter.
    const clientId = id('guest')
    const outcome = await tryConnect(url(), { clientId, clean: false })
    if (outcome.client) {
      await subscribeAll(outcome.client, ['public/x', '#', 'bar/#'])
      await outcome.client.endAsync()
    }
    expect(outcome.refused).toBe(5)
    expect(await storedFilters(access.schema.sql, clientId)).toEqual([])
  })

  test('a persistent session stores only the filters it was granted, and gets only those after a reconnect', async () => {
    const clientId = id('printer')
    const printer = await connectAdmitted(url(), { ...credentials.printer, clientId, clean: false })
    expect(await subscribeAll(printer, [topics.barTickets, '#', 'guests/+/orders', 'bar/#'])).toEqual([
      1, 0x80, 0x80, 0x80,
    ])
    await printer.endAsync()
    expect(await storedFilters(access.schema.sql, clientId)).toEqual([topics.barTickets])

    // Aedes sends PUBACK before it publishes: a watcher shows when the messages are out (and queued).
    const watcher = await connectRecording(url(), credentials.service)
    await watcher.client.subscribeAsync('#', { qos: 1 })
    const service = await tryConnect(url(), credentials.service)
    if (!service.client) throw new Error('service refused')
    const marker = randomUUID()
    await service.client.publishAsync(topics.guestOrders(randomUUID()), marker, { qos: 1 })
    await service.client.publishAsync(topics.barOrders, marker, { qos: 1 })
    await service.client.publishAsync(topics.barTickets, marker, { qos: 1 })
    await waitFor(() => watcher.received.filter((m) => m.payload === marker).length === 3)
    await Promise.all([service.client.endAsync(), watcher.client.endAsync()])

    const back = await connectRecording(url(), { ...credentials.printer, clientId, clean: false })
    await waitFor(() => back.received.some((m) => m.topic === topics.barTickets && m.payload === marker))
    expect(back.received.filter((m) => m.payload === marker).map((m) => m.topic)).toEqual([topics.barTickets])
    await back.client.endAsync()
  })

  test('one SUBSCRIBE of a persistent session is one write, whatever the number of filters', async () => {
    const clientId = id('service')
    const service = await connectAdmitted(url(), { ...credentials.service, clientId, clean: false })
    const filters = Array.from({ length: 16 }, (_, i) => `public/load/${i}`)
    const before = subscriptionWrites()
    expect(await subscribeAll(service, filters)).toEqual(filters.map(() => 1))
    expect(subscriptionWrites() - before).toBe(1)
    expect(await storedFilters(access.schema.sql, clientId)).toHaveLength(16)
    await service.endAsync()
  })

  test('filters beyond 16 in one SUBSCRIBE are refused (SUBACK 0x80), the connection stays', async () => {
    const service = await connectAdmitted(url(), credentials.service)
    const filters = Array.from({ length: 20 }, (_, i) => `public/many/${i}`)
    expect(await subscribeAll(service, filters)).toEqual([...Array(16).fill(1), ...Array(4).fill(0x80)])
    expect(service.connected).toBe(true)
    await service.endAsync()
  })

  test('a session holds at most 32 filters, restored ones included', async () => {
    const clientId = id('service')
    const options = { ...credentials.service, clientId, clean: false }
    const first = await connectAdmitted(url(), options)
    const filters = Array.from({ length: 33 }, (_, i) => `public/session/${i}`)
    expect(await subscribeAll(first, filters.slice(0, 16))).toEqual(Array(16).fill(1))
    expect(await subscribeAll(first, filters.slice(16, 32))).toEqual(Array(16).fill(1))
    // The same filter again is no new subscription; a 33rd is refused.
    expect(await subscribeAll(first, [filters[0] as string, filters[32] as string])).toEqual([1, 0x80])
    await first.unsubscribeAsync(filters[0] as string)
    expect(await subscribeAll(first, [filters[32] as string])).toEqual([1])
    await first.endAsync()
    expect(await storedFilters(access.schema.sql, clientId)).toHaveLength(32)

    const again = await tryConnect(url(), options)
    if (!again.client) throw new Error('service refused')
    expect(await subscribeAll(again.client, ['public/session/one-more'])).toEqual([0x80])
    await again.client.endAsync()
  })

  test('a filter longer than 256 bytes is refused (SUBACK 0x80), the connection stays', async () => {
    const guest = await connectAdmitted(url(), {})
    const longest = `public/${'x'.repeat(249)}`
    expect(await subscribeAll(guest, [longest, `${longest}x`, `public/${'é'.repeat(125)}`])).toEqual([1, 0x80, 0x80])
    expect(guest.connected).toBe(true)
    await guest.endAsync()
  })
})

test('guests connecting at once cost a few reads and no write, so 2,000 guests can reconnect at once', async () => {
  const guests = 50
  const before = statements.length
  const clients = await Promise.all(
    Array.from({ length: guests }, (_, i) => tryConnect(access.broker.url(i % 2 ? 'ws' : 'tcp'), {})),
  )
  await Promise.all(clients.map((outcome) => outcome.client?.endAsync()))
  const sent = statements.slice(before)
  expect(sent.filter((query) => /\b(insert|update|delete)\b/i.test(query))).toEqual([])
  // One read of its session's owner per guest at most: reads made together share a statement.
  const ownerReads = sent.filter((query) => /from mqtt_sessions/i.test(query)).length
  expect(ownerReads).toBeGreaterThan(0)
  expect(ownerReads).toBeLessThanOrEqual(guests)
})
