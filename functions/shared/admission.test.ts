/**
 * While the database does not answer, a function lets only a bounded number of requests wait for
 * a connection; the next ones are told at once to come back later (503 `unavailable`, Retry-After)
 * instead of queueing behind them. The "database" here accepts connections and never answers, as
 * a host that is gone behind a load balancer does, or a server stuck starting or stopping. Those
 * that wait are answered 503 too, while a guest's phone still waits for the answer.
 */

import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createServer, type Server, type Socket } from 'node:net'
import type { Sql } from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { servicePublisher, silent, startTestBroker, type TestBroker, testTokens, waitFor } from '../../test/harness.ts'
import { createApp as createMenu } from '../menu/index.ts'
import { createApp as createPlaceOrder } from '../place-order/index.ts'
import { createSql } from './db.ts'
import type { Publisher } from './publisher.ts'

let silentPostgres: Server
const sockets: Socket[] = []
let sql: Sql
let broker: TestBroker
let publisher: Publisher

beforeAll(async () => {
  silentPostgres = createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => silentPostgres.listen(0, '127.0.0.1', resolve))
  sql = createSql(`postgres://postgres@127.0.0.1:${(silentPostgres.address() as AddressInfo).port}/none`, { max: 2 })
  broker = await startTestBroker()
  publisher = servicePublisher(broker.url, { log: silent })
})

afterAll(async () => {
  await sql.end({ timeout: 0 })
  for (const socket of sockets) socket.destroy()
  silentPostgres.close()
  await publisher.close()
  await broker.close()
})

/** As in outage.test.ts: a guest's phone gives up on a request long before this. */
const answerWithinMs = 3000

test('an order that waits for a connection which never comes is answered 503 within seconds', async () => {
  const app = createPlaceOrder({ sql, publisher, barToken: testTokens.barToken, log: silent })
  const start = performance.now()
  const res = await app.request('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomUUID(), guestId: randomUUID(), nickname: 'Waiting', drinkId: 'water' }),
  })
  const body = (await res.json()) as { error?: { code: string } }
  expect({ status: res.status, code: body.error?.code }).toEqual({ status: 503, code: 'unavailable' })
  expect(sockets.length).toBeGreaterThan(0)
  expect(performance.now() - start).toBeLessThan(answerWithinMs)
})

test('beyond the pool and its waiting bound, requests are answered 503 with Retry-After at once', async () => {
  const maxWaiting = 3
  const app = createMenu({ sql, publisher, barToken: testTokens.barToken, log: silent, maxWaiting })
  const admitted = 2 + maxWaiting
  const answers: { status: number; retryAfter: string | null; code?: string }[] = []
  const requests = Array.from({ length: admitted + 4 }, () =>
    Promise.resolve(app.request('/api/menu')).then(async (res) => {
      const body = (await res.json()) as { error?: { code: string } }
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code })
    }),
  )
  // The admitted ones wait for a connection that will not come before connect_timeout (2 s).
  await waitFor(() => answers.length === 4, 5_000, 'the four requests beyond the bound to be answered')
  expect(answers).toEqual(Array(4).fill({ status: 503, retryAfter: '1', code: 'unavailable' }))
  // Health is not held up by the queue.
  expect((await app.request('/api/healthz')).status).toBe(200)
  await sql.end({ timeout: 0 })
  await Promise.allSettled(requests)
  expect(answers.length).toBe(admitted + 4)
})
