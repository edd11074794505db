/**
 * Orders placed at the same moment are written together (order-writer.ts); every rule of the
 * spec must still hold per order, within one batch and across batches of two pods.
 */
import { randomUUID } from 'node:crypto'
import type { Sql } from 'postgres'
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest'
import type { Order } from '../../contract/index.ts'
import type { ScratchDatabase } from '../../db/scratch.ts'
import { createTestDatabase, holdAdvisoryLocks, waitingForAdvisoryLock } from '../../test/db.ts'
import {
  json,
  quiet,
  servicePublisher,
  silent,
  startTestBroker,
  type TestBroker,
  testTokens,
  waitFor,
} from '../../test/harness.ts'
import { createApp } from '../place-order/index.ts'
import { createSql, migrateFunctions } from './db.ts'
import type { Publisher } from './publisher.ts'

let database: ScratchDatabase
let sql: Sql
let broker: TestBroker
let publisher: Publisher
/** Two pods: each batches its own requests; they meet only in Postgres. */
let pods: ReturnType<typeof createApp>[]

beforeAll(async () => {
  // A database of its own: this suite sells a drink out.
  database = await createTestDatabase()
  sql = createSql(database.url, { max: 6 })
  await migrateFunctions(sql)
  broker = await startTestBroker()
  publisher = servicePublisher(broker.url)
  await waitFor(() => publisher.connected(), 5000)
  const deps = { sql, publisher, barToken: testTokens.barToken, log: quiet }
  pods = [createApp(deps), createApp({ ...deps, sql: createSql(database.url, { max: 6 }) })]
})

// The messages of the test before are acknowledged first: a broker still behind refuses new orders.
beforeEach(() => waitFor(() => !publisher.saturated(), 10_000))

afterAll(async () => {
  await publisher?.close()
  await broker?.close()
  await sql?.end({ timeout: 5 })
  await database?.drop()
})

interface Answer {
  status: number
  body: { order?: Order; error?: { code: string } }
}

/** Sends every body at once, alternating between the two pods; answers in the order sent. */
async function placeAll(bodies: object[]): Promise<Answer[]> {
  return Promise.all(
    bodies.map(async (body, index) => {
      const pod = pods[index % 2] as (typeof pods)[number]
      const res = await pod.request('/api/orders', { method: 'POST', headers: json, body: JSON.stringify(body) })
      return { status: res.status, body: (await res.json()) as Answer['body'] }
    }),
  )
}

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length
const anOrder = (overrides: object = {}) => ({ guestId: randomUUID(), nickname: 'Batch', drinkId: 'tea', ...overrides })

test('one id sent ten times at once is stored once; the same id with another body is a conflict', async () => {
  const id = randomUUID()
  const order = anOrder({ id })
  const answers = await placeAll([...Array.from({ length: 10 }, () => order), { ...order, note: 'other' }])
  expect(count(answers, 201)).toBe(1)
  expect(count(answers, 200)).toBe(9)
  expect(answers.at(-1)).toMatchObject({ status: 409, body: { error: { code: 'id_conflict' } } })
  expect(new Set(answers.slice(0, 10).map((a) => a.body.order?.number)).size).toBe(1)
  expect(await sql`select 1 from orders where id = ${id}`).toHaveLength(1)
})

test('a guest sending ten orders at once to two pods gets three placed, the rest too_many_open_orders', async () => {
  const guestId = randomUUID()
  const answers = await placeAll(Array.from({ length: 10 }, () => anOrder({ guestId })))
  expect(count(answers, 201)).toBe(3)
  expect(answers.filter((a) => a.status === 409).map((a) => a.body.error?.code)).toEqual(
    Array(7).fill('too_many_open_orders'),
  )
  expect(await sql`select 1 from orders where guest_id = ${guestId}`).toHaveLength(3)
})

test('two hundred orders at once on two pods get two hundred distinct pickup numbers', async () => {
  const answers = await placeAll(Array.from({ length: 200 }, () => anOrder()))
  expect(count(answers, 201)).toBe(200)
  expect(new Set(answers.map((a) => a.body.order?.number)).size).toBe(200)
})

test('in one batch a sold-out drink is refused while the other orders are placed', async () => {
  await sql`update drinks set available = false where id = 'beer'`
  try {
    const bodies = Array.from({ length: 20 }, (_, i) => anOrder({ drinkId: i % 2 ? 'beer' : 'tea' }))
    const answers = await placeAll(bodies)
    answers.forEach((answer, i) => {
      if (i % 2) expect(answer).toMatchObject({ status: 409, body: { error: { code: 'sold_out' } } })
      else expect(answer.status).toBe(201)
    })
    expect(await sql`select 1 from orders where drink_id = 'beer'`).toHaveLength(0)
  } finally {
    await sql`update drinks set available = true where id = 'beer'`
  }
})

test('a batch whose connection the database ends gets 503 and stores nothing; the order waiting for that connection and the next ones are served', async () => {
  // One connection: the orders after the failure need the pool to open a new one in its place.
  const single = createSql(database.url, { max: 1 })
  // No answer by the write's time bound: each answer here must come from what the pool saw.
  const orderWriter = { maxWriteMs: 60_000 }
  const pod = createApp({ sql: single, publisher, barToken: testTokens.barToken, log: silent, orderWriter })
  // An order with this nickname waits in its insert for a lock the test holds.
  await sql`
    create function stall_nickname() returns trigger language plpgsql as $$
    begin
      if new.nickname = 'Stalled' then perform pg_advisory_lock(hashtext('stalled insert')); end if;
      return new;
    end $$`
  await sql`create trigger stall_nickname before insert on orders for each row execute function stall_nickname()`
  const release = await holdAdvisoryLocks(sql, ['stalled insert'])
  try {
    const place = async (body: object) => {
      const res = await pod.request('/api/orders', { method: 'POST', headers: json, body: JSON.stringify(body) })
      return `${res.status} ${((await res.json()) as Answer['body']).error?.code ?? ''}`.trim()
    }
    const stalledOrder = anOrder({ nickname: 'Stalled' })
    const stalled = place(stalledOrder)
    await waitFor(async () => (await waitingForAdvisoryLock(sql)).length === 1, 5000, 'the insert to wait for the lock')
    // Its batch waits for the one connection, which the stalled batch holds.
    const waiting = place(anOrder())
    for (const pid of await waitingForAdvisoryLock(sql)) await sql`select pg_terminate_backend(${pid})`
    expect(await stalled).toBe('503 unavailable')
    expect(await sql`select 1 from orders where guest_id = ${stalledOrder.guestId}`).toHaveLength(0)
    expect(await waiting).toBe('201')
    expect(await Promise.all([anOrder(), anOrder()].map(place))).toEqual(['201', '201'])
  } finally {
    await release()
    await sql`drop trigger stall_nickname on orders`
    await sql`drop function stall_nickname()`
    await single.end({ timeout: 5 })
  }
})

test('a batch whose insert fails acknowledges none of its orders, stores none, and leaves the connection usable', async () => {
  // One connection, so the orders after the failure use the very connection it happened on.
  const single = createSql(database.url, { max: 1 })
  // The 500s are expected: their log lines would only be noise here.
  const pod = createApp({ sql: single, publisher, barToken: testTokens.barToken, log: silent })
  await sql`
    create function refuse_nickname() returns trigger language plpgsql as $$
    begin
      if new.nickname = 'Refused' then raise exception 'refused by the test'; end if;
      return new;
    end $$`
  await sql`create trigger refuse_nickname before insert on orders for each row execute function refuse_nickname()`
  try {
    const place = (body: object) =>
      pod.request('/api/orders', { method: 'POST', headers: json, body: JSON.stringify(body) })
    const batch = [anOrder({ nickname: 'Refused' }), anOrder(), anOrder()]
    const failed = await Promise.all(batch.map(place))
    expect(failed.map((res) => res.status >= 500)).toEqual([true, true, true])
    const guests = batch.map((body) => body.guestId)
    expect(await sql`select 1 from orders where guest_id = any(${guests}::uuid[])`).toHaveLength(0)

    const after = await Promise.all([anOrder(), anOrder()].map(place))
    expect(after.map((res) => res.status)).toEqual([201, 201])
  } finally {
    await sql`drop trigger refuse_nickname on orders`
    await sql`drop function refuse_nickname()`
    await single.end({ timeout: 5 })
  }
})
