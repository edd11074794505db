/**
 * A rush, as a guest sees it: the order writer's queue is full (its bound set to one order, and
 * the database holding the order ahead), so the server answers 503 `overloaded`. The page says
 * it is busy and trying again, sends the same order again after the server's Retry-After, and
 * the order is placed once.
 */

import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { PlaceOrder } from '../../contract/index.ts'
import { type E2e, openGuest, startE2e } from '../../test/e2e/stack-page.ts'
import { json, waitFor } from '../../test/harness.ts'

let e2e: E2e
let sql: postgres.Sql
beforeAll(async () => {
  // One transaction at a time, one order waiting for it: the second order in line makes it busy.
  e2e = await startE2e({ orderWriter: { maxWaiting: 1, maxConcurrent: 1, maxWriteMs: 60_000 } })
  sql = postgres(e2e.databaseUrl, { max: 2, onnotice: () => {} })
}, 180_000)
afterAll(async () => {
  await sql?.end({ timeout: 5 })
  await e2e?.close()
})

const place = (input: PlaceOrder) =>
  fetch(`${e2e.stack.httpUrl}/api/orders`, { method: 'POST', headers: json, body: JSON.stringify(input) })

const lockWaiters = async () =>
  (await sql<{ n: number }[]>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)[0]
    ?.n ?? 0

test('a guest turned away by a full order queue sees "busy, trying again", and the order is placed once', async () => {
  const posted: string[] = []
  const guest = await openGuest(e2e)
  guest.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/orders')) {
      posted.push((JSON.parse(request.postData() ?? '{}') as { id: string }).id)
    }
  })

  // Another guest's orders hold the writer: the first waits for this guest's lock (the writer
  // locks each guest it writes for), the second waits in the queue, which is then full.
  const ahead = randomUUID()
  const held = await sql.reserve()
  await held`select pg_advisory_lock(hashtext(${ahead}))`
  const aheadOrders = [1, 2].map(() => ({ id: randomUUID(), guestId: ahead, nickname: 'Ahead', drinkId: 'beer' }))
  const first = place(aheadOrders[0] as PlaceOrder)
  await waitFor(async () => (await lockWaiters()) === 1, 10_000, 'the first order to wait for its lock')
  const second = place(aheadOrders[1] as PlaceOrder)

  try {
    await guest.getByTestId('nickname').fill('Rushed')
    await guest.getByRole('button', { name: 'Water' }).click()
    await guest.getByTestId('place-order').click()
    await expect.poll(() => guest.getByTestId('order-outcome').textContent()).toBe('Busy, trying again')
    const kept = guest.getByTestId('queued-order')
    expect(await kept.locator('.status').textContent()).toBe('Busy, trying again')
    expect(posted.length).toBe(1)
  } finally {
    await held`select pg_advisory_unlock(hashtext(${ahead}))`
    held.release()
  }
  expect((await first).status).toBe(201)
  expect((await second).status).toBe(201)

  // After the Retry-After, the page sends the same order again by itself and it is placed.
  await expect
    .poll(() => guest.getByTestId('order-outcome').textContent(), { timeout: 15_000 })
    .toMatch(/^Ordered! Your pickup number is \d+\.$/)
  expect(await guest.getByTestId('queued-order').count()).toBe(0)
  expect(await guest.getByTestId('guest-order').count()).toBe(1)
  expect(posted.length).toBeGreaterThanOrEqual(2)
  expect(new Set(posted).size).toBe(1)
  const stored = await sql`select id from orders where nickname = 'Rushed'`
  expect(stored.map((row) => row.id)).toEqual([posted[0]])
}, 60_000)
