/**
 * A replica whose LISTEN connection is cut (a Postgres restart cuts it the same way) gets, once it
 * listens again, every message the replicas committed meanwhile: a message acknowledged is a
 * message delivered to the clients online on every replica, its own included.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createTestSchema, type TestSchema } from '../../test/broker/test-schema.ts'
import { waitFor } from '../../test/wait.ts'
import { createPostgresEmitter, type PostgresEmitter } from './emitter.ts'

let schema: TestSchema
// Two pools on one schema: two replicas, each with its own LISTEN connection to cut.
let one: TestSchema['sql']
let other: TestSchema['sql']
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

beforeAll(async () => {
  schema = await createTestSchema('mqtt_emitter_replay_test')
  one = schema.pool({ applicationName: 'emitter-replay-a' })
  other = schema.pool({ applicationName: 'emitter-replay-b' })
})
afterAll(async () => {
  await schema.drop()
})

/** The payloads `emitter` delivers on `topic`, as they arrive. */
function collect(emitter: PostgresEmitter, topic: string): string[] {
  const got: string[] = []
  emitter.on(topic, (message, done) => {
    got.push(String(message.payload))
    done()
  })
  return got
}

function emit(emitter: PostgresEmitter, topic: string, payload: string): Promise<void> {
  return new Promise((resolve, reject) => emitter.emit({ topic, payload }, (e) => (e ? reject(e) : resolve())))
}

async function terminateListen(applicationName: string): Promise<void> {
  const killed = await schema.sql`
    select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and application_name like ${`${applicationName} listen %`}`
  expect(killed.length).toBe(1)
}

test('messages committed while a replica is not listening reach it, and the sender, once it listens again', async () => {
  const channel = `emitter_replay_${randomBytes(4).toString('hex')}`
  // The reconnect waits at least 300 ms, so the burst below surely falls into the gap.
  const listen = { minDelay: 300, maxDelay: 300 }
  const a = createPostgresEmitter({ sql: one, channel, logger: quiet, listen })
  const b = createPostgresEmitter({ sql: other, channel, logger: quiet, listen })
  await Promise.all([a.ready, b.ready])
  const atB = collect(b, 'orders')
  const atA = collect(a, 'orders')
  const burst = Array.from({ length: 20 }, (_, i) => `order ${i}`)

  // B's LISTEN is gone; A sends (every emit is acknowledged: its NOTIFY is committed).
  await terminateListen('emitter-replay-b')
  await Promise.all(burst.slice(0, 10).map((payload) => emit(a, 'orders', payload)))
  // Then A's own LISTEN is gone too: its own clients must still get what it acknowledges.
  await terminateListen('emitter-replay-a')
  await Promise.all(burst.slice(10).map((payload) => emit(a, 'orders', payload)))

  await waitFor(() => burst.every((p) => atB.includes(p)), 10_000, 'every order of the gap at replica B')
  await waitFor(() => burst.every((p) => atA.includes(p)), 10_000, 'every order of the gap at replica A')
  // Replayed messages that a replica had already heard are dropped, not delivered twice.
  expect(atB.filter((p) => burst.includes(p)).length).toBe(burst.length)
  expect(atA.filter((p) => burst.includes(p)).length).toBe(burst.length)
  await Promise.all([a, b].map((e) => new Promise<void>((resolve) => e.close(resolve))))
})
