import { randomUUID } from 'node:crypto'
import { Agent, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { AuthorizePublishHandler } from 'aedes'
import type { Sql } from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { ScratchDatabase } from '../../db/scratch.ts'
import { anyFreePort } from '../../runtime/ports.ts'
import { createTestDatabase, holdAdvisoryLocks, waitingForAdvisoryLock } from '../../test/db.ts'
import {
  json,
  quiet,
  servicePublisher,
  startTestBroker,
  type TestBroker,
  testTokens,
  waitFor,
} from '../../test/harness.ts'
import { defaultOverloadLimits } from '../shared/admission.ts'
import type { FunctionDeps } from '../shared/app.ts'
import { createSql, migrateFunctions } from '../shared/db.ts'
import { createEarlyRefusals, refusingServer } from '../shared/early-refusal.ts'
import type { Publisher } from '../shared/publisher.ts'
import { createApp } from './index.ts'

let database: ScratchDatabase
let sql: Sql
let broker: TestBroker
const publishers: Publisher[] = []

beforeAll(async () => {
  // A database of its own: the outbox backlog counted here is this suite's alone.
  database = await createTestDatabase()
  sql = createSql(database.url, { max: 4 })
  await migrateFunctions(sql)
  broker = await startTestBroker()
})

afterAll(async () => {
  await Promise.all(publishers.map((publisher) => publisher.close()))
  await broker?.close()
  await sql?.end({ timeout: 5 })
  await database?.drop()
})

const anOrder = () => ({ id: randomUUID(), guestId: randomUUID(), nickname: 'Rush', drinkId: 'beer' })

function publisherTo(url: string, bounds: { maxInFlight?: number } = {}) {
  const publisher = servicePublisher(url, bounds)
  publishers.push(publisher)
  return publisher
}

/** The place-order function on this suite's database, publishing to `publisher`; `place` POSTs an order. */
function placeOrderApp(publisher: Publisher, options: Partial<FunctionDeps> = {}) {
  const app = createApp({ sql, publisher, barToken: testTokens.barToken, log: quiet, ...options })
  return (body: unknown) => app.request('/api/orders', { method: 'POST', headers: json, body: JSON.stringify(body) })
}

async function storedOf(order: { id: string; guestId: string }) {
  const orders = await sql`select 1 from orders where id = ${order.id} or guest_id = ${order.guestId}`
  const messages =
    await sql`select 1 from outbox where position(${order.id}::text in convert_from(payload, 'UTF8')) > 0`
  return orders.length + messages.length
}

async function expectOverloaded(res: Response, order: { id: string; guestId: string }) {
  expect(res.status).toBe(503)
  expect(res.headers.get('retry-after')).toBe('1')
  expect(await res.json()).toMatchObject({ error: { code: 'overloaded' } })
  expect(await storedOf(order)).toBe(0)
}

test('a broker behind by the in-flight bound: 503 overloaded with Retry-After, nothing of the order stored', async () => {
  // The broker holds every publish until told: what a broker at its limit looks like to a function.
  const held: (() => void)[] = []
  const authorize = broker.broker.authorizePublish as AuthorizePublishHandler
  broker.broker.authorizePublish = (client, packet, done) => {
    held.push(() => authorize.call(broker.broker, client, packet, done))
  }
  try {
    const publisher = publisherTo(broker.url, { maxInFlight: 3 })
    await waitFor(() => publisher.connected(), 5000)
    const place = placeOrderApp(publisher)

    const first = anOrder()
    expect((await place(first)).status).toBe(201)
    // Its three QoS 1 messages wait for their acknowledgement: the bound is reached.
    await waitFor(() => publisher.saturated(), 5000)
    const second = anOrder()
    await expectOverloaded(await place(second), second)

    // Once the broker caught up, the guest's page retries with the same id and is served.
    broker.broker.authorizePublish = authorize
    for (const release of held.splice(0)) release()
    await waitFor(() => !publisher.saturated(), 5000)
    expect((await place(second)).status).toBe(201)
  } finally {
    broker.broker.authorizePublish = authorize
    for (const release of held.splice(0)) release()
  }
})

test('the broker away and the outbox at its bound: 503 overloaded, nothing of the order stored', async () => {
  // Nothing listens on this port: the broker is away, orders wait in the outbox.
  const publisher = publisherTo(`mqtt://127.0.0.1:${await anyFreePort()}`)
  const place = placeOrderApp(publisher, { overloadLimits: { ...defaultOverloadLimits, maxOutboxBacklog: 8 } })
  await sql`delete from outbox`
  // Two orders of four messages each fill the backlog; the SPEC's promise holds up to the bound.
  expect((await place(anOrder())).status).toBe(201)
  expect((await place(anOrder())).status).toBe(201)
  const third = anOrder()
  await expectOverloaded(await place(third), third)
})

test("the order writer's queue at its bound: 503 overloaded with Retry-After, nothing of the order stored", async () => {
  const publisher = publisherTo(broker.url)
  await waitFor(() => publisher.connected(), 5000)
  // One transaction at a time and one order waiting for it.
  const place = placeOrderApp(publisher, { orderWriter: { maxConcurrent: 1, maxWaiting: 1 } })

  // The writer locks each guest it writes for: holding one guest's lock holds its transaction.
  const ahead = randomUUID()
  const release = await holdAdvisoryLocks(sql, [ahead])
  const first = { ...anOrder(), guestId: ahead }
  const second = { ...anOrder(), guestId: ahead }
  const third = anOrder()
  let writing: Promise<Response>[] = []
  try {
    writing = [Promise.resolve(place(first))]
    await waitFor(
      async () => (await waitingForAdvisoryLock(sql)).length === 1,
      5000,
      'the first order to wait for its guest',
    )
    writing.push(Promise.resolve(place(second)))
    // Its body is read and it joins the queue in promise jobs, all run before the next turn.
    await new Promise((resolve) => setImmediate(resolve))
    // The second waits in the queue, which is then full: the third is refused before anything is written.
    await expectOverloaded(await place(third), third)
  } finally {
    await release()
  }
  expect((await Promise.all(writing)).map((res) => res.status)).toEqual([201, 201])
  // The queue drained: the same order is taken.
  expect((await place(third)).status).toBe(201)
})

test('the event loop lastingly late: 503 overloaded with Retry-After, nothing of the order stored', async () => {
  const publisher = publisherTo(broker.url)
  await waitFor(() => publisher.connected(), 5000)
  const place = placeOrderApp(publisher, { overloadLimits: { ...defaultOverloadLimits, maxLoopLagMs: 30 } })
  expect((await place(anOrder())).status).toBe(201)

  // Turns of 150 ms each, as under a flood of requests: every sample of the loop comes late.
  const order = anOrder()
  for (let turn = 0; turn < 4; turn++) {
    const until = performance.now() + 150
    while (performance.now() < until) {}
    // Timers already due run first: the loop's sampler sees this turn's lateness.
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  await expectOverloaded(await place(order), order)

  // The loop back on time, the same order is taken.
  await waitFor(async () => (await place(order)).status === 201, 5000, 'the loop to be on time again')
})

test('over a socket, orders under way at their bound: the next is refused before it is read, and the connection serves the next order', async () => {
  const publisher = publisherTo(broker.url)
  await waitFor(() => publisher.connected(), 5000)
  const warnings: string[] = []
  const log = { ...quiet, warn: (line: string) => warnings.push(line) }
  const deps: FunctionDeps = {
    sql,
    publisher,
    barToken: testTokens.barToken,
    log: quiet,
    overloadLimits: { ...defaultOverloadLimits, maxOrdersInFlight: 2 },
    earlyRefusals: createEarlyRefusals({ log }),
  }
  const server = serve({ fetch: createApp(deps).fetch, port: 0, createServer: refusingServer(deps) })
  await new Promise((resolve) => server.once('listening', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/orders`
  // One connection: the refused request's unread body must not spoil the next one on it.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const post = (body: object) =>
    new Promise<{ status: number; retryAfter?: string; body: { error?: { code: string; message: string } } }>(
      (resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk) => {
            text += chunk
          })
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: JSON.parse(text) }),
          )
        })
        req.on('error', reject)
        req.end(JSON.stringify(body))
      },
    )
  // Two orders, each held by its guest's lock in a transaction of its own: both under way.
  const heldOrders = [anOrder(), anOrder()]
  const release = await holdAdvisoryLocks(
    sql,
    heldOrders.map((order) => order.guestId),
  )
  const third = anOrder()
  const writing: Promise<Response>[] = []
  try {
    for (const order of heldOrders) {
      writing.push(fetch(url, { method: 'POST', headers: json, body: JSON.stringify(order) }))
      const waiting = writing.length
      await waitFor(
        async () => (await waitingForAdvisoryLock(sql)).length === waiting,
        5000,
        'the order to wait for its guest',
      )
    }

    const refused = await post(third)
    expect(refused).toEqual({
      status: 503,
      retryAfter: '1',
      body: { error: { code: 'overloaded', message: 'too many orders are under way; try again in 1 s' } },
    })
    expect(await storedOf(third)).toBe(0)
  } finally {
    await release()
  }
  expect((await Promise.all(writing)).map((res) => res.status)).toEqual([201, 201])
  // The guest's page retries with the same id, on the same connection: taken.
  expect((await post(third)).status).toBe(201)
  // The refusal is in the log once, as a line for its second.
  await waitFor(() => warnings.length > 0, 5000, 'the refusals of the second to be logged')
  expect(warnings.join('\n')).toMatch(/refused 1 request\(s\) early in the last second: too many orders are under way/)
  agent.destroy()
  await new Promise((resolve) => server.close(resolve))
})
