/**
 * The broker's guarantees, proven on real processes: sessions survive a restart, replicas share
 * one bus, and no order waits for the broker.
 */
import { randomUUID } from 'node:crypto'
import mqtt from 'mqtt'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Order, topics } from '../contract/index.ts'
import { createApp as createPlaceOrder } from '../functions/place-order/index.ts'
import { createSql, migrateFunctions } from '../functions/shared/db.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { createTestDatabase } from '../test/db.ts'
import { collect, connectClient, quiet, servicePublisher, testTokenEnv, testTokens, waitFor } from '../test/harness.ts'
import { type Part, startBrokerPart, startPart, startProcess } from '../test/processes.ts'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let sql: postgres.Sql
const running: Part[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  sql = createSql(database.url)
  await migrateFunctions(sql)
})
afterAll(async () => {
  await Promise.all(running.map((part) => part.stop('SIGKILL')))
  await sql.end()
  await database.drop()
})

async function startBroker(ports?: { mqtt: number; http: number }) {
  const broker = await startBrokerPart({ ...testTokenEnv, DATABASE_URL: database.url }, ports)
  running.push(broker)
  return broker
}

/** Places orders through the real place-order function, publishing to `brokerUrl`. */
async function placeOrders(brokerUrl: string, count: number): Promise<Order[]> {
  const publisher = servicePublisher(brokerUrl)
  await waitFor(() => publisher.connected())
  const app = createPlaceOrder({ sql, publisher, barToken: testTokens.barToken, log: quiet })
  const orders: Order[] = []
  for (let i = 0; i < count; i++) {
    const res = await app.request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ guestId: randomUUID(), nickname: `Printer test ${i}`, drinkId: 'beer' }),
    })
    orders.push(((await res.json()) as { order: Order }).order)
  }
  // Acknowledged by the broker, so in its Postgres queue, before the function lets go.
  await waitFor(async () => (await sql`select 1 from outbox`).length === 0, 10_000)
  await publisher.close()
  return orders
}

/** mosquitto_sub, an MQTT client we did not write, as a ticket printer with a persistent session. */
async function mosquittoSub(port: number, clientId: string, extra: string[]): Promise<string> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-u', 'printer', '-P', testTokens.printerToken]
  args.push('-i', clientId, '-c', '-q', '1', '-t', topics.barTickets, ...extra)
  const sub = startProcess('mosquitto_sub', args)
  const timer = setTimeout(() => sub.signal('SIGTERM'), 15_000)
  const code = await sub.exited
  clearTimeout(timer)
  if (code !== 0) throw new Error(`mosquitto_sub exited ${code}: ${sub.output()}`)
  return sub.output()
}

describe('a printer with a persistent session', () => {
  test.each(['SIGTERM', 'SIGKILL'] as const)(
    'gets the five tickets placed while it was offline, across a broker restart (%s)',
    async (signal) => {
      const first = await startBroker()
      const printerId = `bar-printer-${signal}`
      // Subscribe once, then go offline: -E exits right after the subscription.
      await mosquittoSub(first.ports.mqtt, printerId, ['-E'])

      const orders = await placeOrders(first.url, 5)
      expect(await first.stop(signal)).toBe(signal === 'SIGTERM' ? 0 : null)
      const second = await startBroker(first.ports)

      const out = await mosquittoSub(second.ports.mqtt, printerId, ['-C', '5', '-W', '10'])
      for (const order of orders) expect(out).toContain(`#${order.number}\n`)
      expect(out.match(/for Printer test/g)).toHaveLength(5)
      await second.stop()
    },
    60_000,
  )

  test('is told its session is present after the restart', async () => {
    const first = await startBroker()
    const options = {
      username: 'printer',
      password: testTokens.printerToken,
      clientId: 'session-check',
      clean: false,
      reconnectPeriod: 0,
    }
    const printer = await mqtt.connectAsync(first.url, options)
    await printer.subscribeAsync(topics.barTickets, { qos: 1 })
    await printer.endAsync()
    await first.stop()
    const second = await startBroker(first.ports)
    const again = mqtt.connect(second.url, options)
    const connack = await new Promise<mqtt.IConnackPacket>((resolve) => again.once('connect', resolve))
    expect(connack.sessionPresent).toBe(true)
    await again.endAsync()
    await second.stop()
  }, 60_000)
})

test('two brokers on one database share one bus, payloads over the NOTIFY limit included', async () => {
  const [a, b] = await Promise.all([startBroker(), startBroker()])
  const bar = await connectClient(a.url, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync('bar/#', { qos: 1 })
  const inbox = collect(bar)
  const service = await connectClient(b.url, { username: 'service', password: testTokens.serviceToken })
  const large = `{"pad":"${'x'.repeat(20_000)}"}`
  await service.publishAsync(topics.barOrders, 'small one', { qos: 1 })
  await service.publishAsync(topics.barOrders, large, { qos: 1 })
  expect((await inbox.next((m) => m.payload === 'small one')).topic).toBe(topics.barOrders)
  expect((await inbox.next((m) => m.payload.length > 20_000)).payload).toBe(large)
  await Promise.all([bar.endAsync(), service.endAsync()])
  await Promise.all([a.stop(), b.stop()])
}, 60_000)

test('an order placed while the broker is down is acknowledged, and reaches the bar once it is back', async () => {
  const ports = { mqtt: await anyFreePort(), http: await anyFreePort() }
  // The bar's session exists before the outage, as a bar display's would.
  const first = await startBroker(ports)
  const barOptions = { username: 'bar', password: testTokens.barToken, clientId: 'bar-display', clean: false }
  const bar = await connectClient(first.url, barOptions)
  await bar.subscribeAsync(topics.barOrders, { qos: 1 })
  await bar.endAsync()
  await first.stop()

  const fnPort = await anyFreePort()
  const fn = await startPart(
    'functions/serve.ts',
    ['place-order'],
    { ...testTokenEnv, DATABASE_URL: database.url, BROKER_URL: first.url, PORT: String(fnPort) },
    `http://127.0.0.1:${fnPort}/api/healthz`,
  )
  running.push(fn)
  const res = await fetch(`http://127.0.0.1:${fnPort}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ guestId: randomUUID(), nickname: 'Outage', drinkId: 'water' }),
  })
  expect(res.status).toBe(201)
  const { order } = (await res.json()) as { order: Order }

  await startBroker(ports)
  const back = await connectClient(first.url, barOptions)
  const inbox = collect(back)
  const seen = await inbox.next((m) => m.payload.includes(order.id), 15_000)
  expect(JSON.parse(seen.payload)).toEqual({ event: 'placed', order })
  await back.endAsync()
  expect(await fn.stop()).toBe(0)
}, 60_000)
