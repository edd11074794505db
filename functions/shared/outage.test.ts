/**
 * A function while its Postgres restarts: 503 in the error shape (never 500) while it is away,
 * every acknowledged order still there afterwards, and serving again without a restart of the
 * function. The Postgres is a throwaway cluster of this suite, which it may stop and start.
 */
import { randomUUID } from 'node:crypto'
import type { Hono } from 'hono'
import type { Sql } from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { servicePublisher, silent, startTestBroker, type TestBroker, testTokens, waitFor } from '../../test/harness.ts'
import { type PostgresCluster, startPostgresCluster } from '../../test/postgres-cluster.ts'
import { createApp as createListOrders } from '../list-orders/index.ts'
import { createApp as createMenu } from '../menu/index.ts'
import { createApp as createPlaceOrder } from '../place-order/index.ts'
import type { FunctionDeps } from './app.ts'
import { createSql, migrateFunctions } from './db.ts'
import type { Publisher } from './publisher.ts'

let cluster: PostgresCluster
let sql: Sql
let broker: TestBroker
let publisher: Publisher
let apps: { place: Hono; list: Hono; menu: Hono }
// The functions log each 503; the suite expects dozens of them.
/** A guest's phone gives up on a request long before this; 503 must come sooner. */
const answerWithinMs = 3000

beforeAll(async () => {
  cluster = await startPostgresCluster()
  sql = createSql(cluster.url)
  await migrateFunctions(sql)
  broker = await startTestBroker()
  publisher = servicePublisher(broker.url, { log: silent })
  const deps: FunctionDeps = {
    sql,
    publisher,
    barToken: testTokens.barToken,
    log: silent,
    orderLimits: { perGuest: { limit: 1000, windowMs: 60_000 }, perAddress: { limit: 100_000, windowMs: 60_000 } },
  }
  apps = { place: createPlaceOrder(deps), list: createListOrders(deps), menu: createMenu(deps) }
}, 120_000)

afterAll(async () => {
  await publisher?.close()
  await broker?.close()
  await sql?.end({ timeout: 1 })
  cluster?.destroy()
})

const placeOrder = (id = randomUUID()) =>
  apps.place.request('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, guestId: randomUUID(), nickname: 'Outage', drinkId: 'water' }),
  })

/** Status and time to answer of one call. */
async function timed(call: () => Response | Promise<Response>): Promise<{ status: number; ms: number; code?: string }> {
  const start = performance.now()
  const res = await call()
  const body = (await res.json()) as { error?: { code: string } }
  return { status: res.status, ms: performance.now() - start, code: body.error?.code }
}

test('while Postgres is away every call is 503 in the error shape, and all is served again once it is back', async () => {
  expect((await placeOrder()).status).toBe(201)

  // Orders in flight at the moment the server goes down: each is either acknowledged or 503.
  const ids = Array.from({ length: 20 }, () => randomUUID())
  const inFlight = ids.map((id) => timed(() => placeOrder(id)))
  await cluster.stop('fast')
  const answers = await Promise.all(inFlight)
  const statuses = answers.map((answer) => answer.status)
  expect(answers.filter((answer) => answer.status !== 201 && answer.status !== 503)).toEqual([])

  // Calls keep coming while it is away: each is refused quickly, not held until a reconnect.
  const away: Awaited<ReturnType<typeof timed>>[] = []
  for (let round = 0; round < 4; round++) {
    away.push(
      await timed(() => placeOrder()),
      await timed(() => apps.menu.request('/api/menu')),
      await timed(() => apps.list.request(`/api/orders?guestId=${randomUUID()}`)),
    )
  }
  expect(away.map((answer) => `${answer.status} ${answer.code}`)).toEqual(away.map(() => '503 unavailable'))
  expect((await apps.place.request('/api/readyz')).status).toBe(503)
  expect(Math.max(...[...answers, ...away].map((answer) => answer.ms))).toBeLessThan(answerWithinMs)

  await cluster.start()
  // The same app and pool, no restart: the first call after the restart may still meet a dead
  // connection of the pool (503); soon every call is served.
  await waitFor(async () => (await placeOrder()).status === 201, 15_000)
  expect((await apps.menu.request('/api/menu')).status).toBe(200)
  expect((await apps.place.request('/api/readyz')).status).toBe(200)

  // Nothing acknowledged was lost.
  const acknowledged = ids.filter((_, i) => statuses[i] === 201)
  const stored =
    await sql`select id from orders where id in ${sql(acknowledged.length ? acknowledged : [randomUUID()])}`
  expect(stored.length).toBe(acknowledged.length)
}, 60_000)
