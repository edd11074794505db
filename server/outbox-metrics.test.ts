/**
 * The outbox seen by the operator: a function's `/metrics` (its own process, as its pod runs it)
 * shows messages waiting and their age rising while the broker is down, and both falling once the
 * broker is back and relays them.
 */

import { randomUUID } from 'node:crypto'
import type { Server } from 'node:net'
import type postgres from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type DurableBroker, startDurableBroker } from '../broker/durable.ts'
import { closeServer, listenTcp } from '../broker/listeners.ts'
import { topics } from '../contract/index.ts'
import { createSql, migrateFunctions } from '../functions/shared/db.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { createTestDatabase } from '../test/db.ts'
import { json, quiet, testTokenEnv, testTokens } from '../test/harness.ts'
import { type Part, startPart } from '../test/processes.ts'
import { scrape, scrapeUntil } from '../test/prometheus.ts'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let sql: postgres.Sql
let fn: Part
let fnUrl: string
let mqttPort: number
let broker: { durable: DurableBroker; tcp: Server } | null = null

beforeAll(async () => {
  database = await createTestDatabase()
  sql = createSql(database.url)
  await migrateFunctions(sql)
  mqttPort = await anyFreePort()
  const httpPort = await anyFreePort()
  fnUrl = `http://127.0.0.1:${httpPort}`
  fn = await startPart(
    'functions/serve.ts',
    ['place-order'],
    {
      ...testTokenEnv,
      DATABASE_URL: database.url,
      PORT: String(httpPort),
      // Nothing listens there until the test starts the broker.
      BROKER_URL: `mqtt://127.0.0.1:${mqttPort}`,
    },
    `${fnUrl}/api/healthz`,
  )
})
afterAll(async () => {
  await fn?.stop()
  if (broker) {
    await broker.durable.close()
    await closeServer(broker.tcp)
  }
  await sql.end()
  await database.drop()
})

test('outbox age rises while the broker is down and falls once it relays', async () => {
  const before = await scrape(`${fnUrl}/metrics`)
  expect(before.value('drinks_outbox_messages')).toBe(0)
  expect(before.value('drinks_outbox_oldest_age_seconds')).toBe(0)

  const res = await fetch(`${fnUrl}/api/orders`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId: randomUUID(), nickname: 'Eve', drinkId: 'espresso' }),
  })
  expect(res.status).toBe(201)

  const waiting = await scrapeUntil(`${fnUrl}/metrics`, 'the order waiting in the outbox, a second old', (now) => {
    return now.value('drinks_outbox_messages') >= 3 && now.value('drinks_outbox_oldest_age_seconds') >= 1
  })
  expect(waiting.value('drinks_orders_placed_total')).toBe(1)
  expect(waiting.value('drinks_publish_failures_total', { topic: topics.barOrders })).toBe(1)
  expect(waiting.value('drinks_messages_published_total', { topic: topics.barOrders })).toBe(0)
  const firstAge = waiting.value('drinks_outbox_oldest_age_seconds')
  await scrapeUntil(
    `${fnUrl}/metrics`,
    'the outbox age still rising',
    (now) => now.value('drinks_outbox_oldest_age_seconds') > firstAge + 0.5,
  )

  const durable = await startDurableBroker({ sql, credentials: testTokens, log: quiet, replicas: false })
  broker = { durable, tcp: await listenTcp(durable.broker, mqttPort, '127.0.0.1') }
  await scrapeUntil(`${fnUrl}/metrics`, 'the outbox empty once the broker relayed it', (now) => {
    return now.value('drinks_outbox_messages') === 0 && now.value('drinks_outbox_oldest_age_seconds') === 0
  })
})
