/**
 * The CloudPRNT bridge on two broker replicas sharing one database: each printer gets each
 * order once however many replicas see it; a job whose sending was never confirmed (a replica
 * died) is sent again and a job sent twice prints once; a printer that connects for the first
 * time after orders were placed still prints them.
 */
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import type { Sql } from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { printJob } from '../broker/cloudprnt/ticket.ts'
import { createBrokerSql, type DurableBroker, startDurableBroker } from '../broker/durable.ts'
import { closeServer, listenTcp } from '../broker/listeners.ts'
import { createLocalPublisher } from '../broker/local-publisher.ts'
import { cloudprntRoutes, type Order, topics } from '../contract/index.ts'
import { createApp } from '../functions/cloudprnt/index.ts'
import { createSql, migrateFunctions } from '../functions/shared/db.ts'
import { SimulatedPrinter } from '../test/cloudprnt/simulated-printer.ts'
import { createTestDatabase } from '../test/db.ts'
import { barAuth, connectClient, json, quiet, testTokens, waitFor } from '../test/harness.ts'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let sql: Sql
const replicas: { durable: DurableBroker; sql: Sql; url: string; close(): Promise<void> }[] = []
let http: ServerType
let httpUrl: string
const printers: SimulatedPrinter[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  sql = createSql(database.url, { max: 4 })
  await migrateFunctions(sql)
  for (const id of ['one', 'two']) {
    const brokerSql = createBrokerSql(database.url)
    const durable = await startDurableBroker({ sql: brokerSql, credentials: testTokens, log: quiet, relay: false })
    const tcp = await listenTcp(durable.broker, 0, '127.0.0.1')
    replicas.push({
      durable,
      sql: brokerSql,
      url: `mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}`,
      async close() {
        await durable.close()
        await closeServer(tcp)
        await brokerSql.end({ timeout: 5 })
      },
      // Printers are told of the first replica; the service publishes on the second.
    })
    void id
  }
  const first = replicas[0]
  if (!first) throw new Error('no replica')
  const mqttPort = Number(new URL(first.url).port)
  const app = createApp({
    sql,
    publisher: createLocalPublisher(first.durable.broker),
    barToken: testTokens.barToken,
    log: quiet,
    cloudprnt: { mqttHost: '127.0.0.1', mqttPort, useTls: false },
  })
  http = await new Promise<ServerType>((ready) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready(server))
  })
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const printer of printers) await printer.powerOff().catch(() => {})
  await new Promise((resolve) => http?.close(resolve))
  for (const replica of replicas) await replica.close()
  await sql?.end({ timeout: 5 })
  await database?.drop()
})

let macs = 0
async function register(): Promise<{ printer: SimulatedPrinter; mac: string }> {
  const mac = `00:11:62:fa:00:${(++macs).toString(16).padStart(2, '0')}`
  const res = await fetch(`${httpUrl}${cloudprntRoutes.printers}`, {
    method: 'POST',
    headers: { ...json, ...barAuth },
    body: JSON.stringify({ mac, station: 'all' }),
  })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { credentials: { username: string; password: string }; serverUrl: string }
  const printer = new SimulatedPrinter({ mac, serverUrl: body.serverUrl, ...body.credentials })
  printers.push(printer)
  return { printer, mac }
}

let number = 100
function newOrder(): Order {
  const now = new Date().toISOString()
  return {
    id: randomUUID(),
    number: ++number,
    eventId: 1,
    guestId: randomUUID(),
    nickname: 'Max',
    drinkId: 'beer',
    quantity: 1,
    note: '',
    status: 'placed',
    createdAt: now,
    updatedAt: now,
  }
}

/** Publishes placed orders on `bar/orders` through the second replica, as a function there would. */
async function publishOrders(orders: Order[]) {
  const service = await connectClient(replicas[1]?.url ?? '', {
    username: 'service',
    password: testTokens.serviceToken,
  })
  for (const order of orders) {
    await service.publishAsync(topics.barOrders, JSON.stringify({ event: 'placed', order }), { qos: 1 })
  }
  await service.endAsync()
}

const answered = (mac: string, ids: string[]) => async () => {
  const rows =
    await sql`select 1 from cloudprnt_jobs where mac = ${mac} and result_code is not null and order_id in ${sql(ids)}`
  return rows.length === ids.length
}

test('two replicas see every order: the printer gets each once', async () => {
  const { printer, mac } = await register()
  await printer.powerOn()
  const orders = Array.from({ length: 5 }, newOrder)
  await publishOrders(orders)
  const ids = orders.map((o) => o.id)
  await waitFor(answered(mac, ids), 10_000, 'five results')
  expect(printer.printed.map((t) => t.jobToken).sort()).toEqual([...ids].sort())
  expect(printer.results.map((r) => r.statusCode)).toEqual(ids.map(() => '200%20OK'))
  expect(await sql`select count(*)::int as n from cloudprnt_jobs where mac = ${mac}`).toEqual([{ n: 5 }])
})

test('a job stored but never confirmed sent is sent again; a job sent twice prints once', async () => {
  const { printer, mac } = await register()
  await printer.powerOn()
  // What a replica that died between storing a job and sending it leaves behind.
  const lost = newOrder()
  await sql`
    insert into cloudprnt_jobs (mac, order_id, payload, created_at)
    values (${mac}, ${lost.id}, ${JSON.stringify(printJob(lost, 'Beer', 'en'))}, now() - interval '1 minute')`
  await waitFor(answered(mac, [lost.id]), 10_000, 'the lost job printed')
  expect(printer.printedFor(lost.id)).toHaveLength(1)

  // Sent, and sent again by a replica that died before marking it: the printer drops the repeat.
  const twice = newOrder()
  await sql`
    insert into cloudprnt_jobs (mac, order_id, payload, sent_at)
    values (${mac}, ${twice.id}, ${JSON.stringify(printJob(twice, 'Beer', 'en'))}, now())`
  const service = await connectClient(replicas[1]?.url ?? '', {
    username: 'service',
    password: testTokens.serviceToken,
  })
  const payload = JSON.stringify(printJob(twice, 'Beer', 'en'))
  await service.publishAsync(topics.cloudprntToDevice(mac, 'print-job'), payload, { qos: 1 })
  await service.publishAsync(topics.cloudprntToDevice(mac, 'print-job'), payload, { qos: 1 })
  await service.endAsync()
  await waitFor(() => printer.results.filter((r) => r.jobToken === twice.id).length === 2, 10_000, 'both answers')
  expect(printer.printedFor(twice.id)).toHaveLength(1)
  const [row] = await sql`select failure_code from cloudprnt_printers where mac = ${mac}`
  expect(row?.failure_code).toBeNull()
})

test('orders placed before a printer ever connected are printed when it first does', async () => {
  const { printer, mac } = await register()
  const orders = Array.from({ length: 3 }, newOrder)
  await publishOrders(orders)
  const ids = orders.map((o) => o.id)
  await waitFor(
    async () => (await sql`select 1 from cloudprnt_jobs where mac = ${mac} and sent_at is not null`).length === 3,
    10_000,
    'three jobs sent into the void',
  )
  await printer.powerOn()
  await waitFor(answered(mac, ids), 10_000, 'three results')
  expect(printer.printed.map((t) => t.jobToken).sort()).toEqual([...ids].sort())
})
