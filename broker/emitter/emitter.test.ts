import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createTestSchema, type TestSchema } from '../../test/broker/test-schema.ts'
import { waitFor } from '../../test/wait.ts'
import { createPostgresEmitter, type PostgresEmitter, type PostgresEmitterOptions } from './emitter.ts'
import type { EmitterMessage } from './wire.ts'

let schema: TestSchema
// A second pool on the same schema: the second emitter stands for another replica.
let other: TestSchema['sql']

beforeAll(async () => {
  schema = await createTestSchema('mqtt_emitter_test')
  other = schema.pool({ applicationName: 'emitter-replica-b' })
})
afterAll(async () => {
  await schema.drop()
})

const quiet = { info: () => {}, warn: () => {}, error: () => {} }

/** Two replicas on one channel of their own; the channel names their LISTEN connections. */
async function pair(
  options: Partial<PostgresEmitterOptions> = {},
): Promise<[PostgresEmitter, PostgresEmitter, string]> {
  const channel = `emitter_test_${randomBytes(4).toString('hex')}`
  const a = createPostgresEmitter({ sql: schema.sql, channel, ...options })
  const b = createPostgresEmitter({ sql: other, channel, ...options })
  await Promise.all([a.ready, b.ready])
  return [a, b, channel]
}

async function close(...emitters: PostgresEmitter[]): Promise<void> {
  await Promise.all(emitters.map((e) => new Promise<void>((resolve) => e.close(resolve))))
}

/** Collects the messages `emitter` delivers on `topic` until there are `count`. */
function receive(emitter: PostgresEmitter, topic: string, count: number): Promise<EmitterMessage[]> {
  return new Promise((resolve) => {
    const got: EmitterMessage[] = []
    emitter.on(topic, (message, done) => {
      got.push(message)
      done()
      if (got.length === count) resolve(got)
    })
  })
}

function emit(emitter: PostgresEmitter, message: EmitterMessage): Promise<void> {
  return new Promise((resolve, reject) => emitter.emit(message, (error) => (error ? reject(error) : resolve())))
}

test('a message emitted on one replica reaches the other, payload bytes intact', async () => {
  const [a, b] = await pair()
  const payload = randomBytes(300)
  const received = receive(b, 'bar/orders/+', 1)
  await emit(a, { topic: 'bar/orders/42', payload, qos: 1, retain: false })
  const [message] = await received
  expect(message).toEqual({ topic: 'bar/orders/42', payload, qos: 1, retain: false })
  expect(Buffer.isBuffer(message?.payload)).toBe(true)
  await close(a, b)
})

test('a 20 KB payload goes through the attachments table and arrives whole, in order with small ones', async () => {
  const [a, b] = await pair()
  const large = randomBytes(20 * 1024)
  const received = receive(b, 'tickets', 3)
  a.emit({ topic: 'tickets', payload: Buffer.from('before') })
  a.emit({ topic: 'tickets', payload: large })
  await emit(a, { topic: 'tickets', payload: Buffer.from('after') })
  const messages = await received
  expect(messages.map((m) => (m.payload as Buffer).length)).toEqual([6, 20 * 1024, 5])
  expect(messages[1]?.payload).toEqual(large)
  const [row] = await schema.sql<{ n: number }[]>`select count(*)::integer as n from mqtt_emitter_attachments`
  expect(row?.n).toBeGreaterThan(0)
  await close(a, b)
})

test('the NOTIFY limit is measured in bytes, not characters', async () => {
  // 3,000 characters of 3 bytes each: well under 8000 characters, over 8000 bytes.
  const [a, b] = await pair()
  const text = '€'.repeat(3_000)
  const received = receive(b, 'menu', 1)
  await emit(a, { topic: 'menu', payload: text })
  expect((await received)[0]?.payload).toBe(text)
  await close(a, b)
})

test('MQTT 5 properties with Buffers survive the trip', async () => {
  const [a, b] = await pair()
  const properties = { correlationData: Buffer.from([1, 2, 3]), userProperties: { k: 'v' } }
  const received = receive(b, 'x', 1)
  await emit(a, { topic: 'x', payload: Buffer.alloc(0), properties })
  expect((await received)[0]?.properties).toEqual(properties)
  await close(a, b)
})

test('emit calls back after local delivery, and errors once closed', async () => {
  const [a, b] = await pair()
  const seen: string[] = []
  a.on('t', (message, done) => {
    seen.push(String(message.payload))
    done()
  })
  await emit(a, { topic: 't', payload: 'one' })
  expect(seen).toEqual(['one'])
  await close(a, b)
  await expect(emit(a, { topic: 't', payload: 'two' })).rejects.toThrow(/closed/)
})

test('a replica delivers its own messages at once, once each, even while its LISTEN connection is away', async () => {
  // The reconnect waits 5 s: what arrives before came without a round trip through LISTEN.
  const channel = `emitter_test_${randomBytes(4).toString('hex')}`
  const listen = { minDelay: 5_000, maxDelay: 5_000 }
  const a = createPostgresEmitter({
    sql: schema.pool({ applicationName: 'emitter-own' }),
    channel,
    listen,
    logger: quiet,
  })
  const b = createPostgresEmitter({ sql: other, channel, listen, logger: quiet })
  await Promise.all([a.ready, b.ready])
  const atA: string[] = []
  a.on('own', (message, done) => {
    atA.push(String(message.payload))
    done()
  })
  await schema.sql`
    select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and application_name like 'emitter-own listen %'`
  const startedAt = Date.now()
  await emit(a, { topic: 'own', payload: 'one' })
  expect(atA).toEqual(['one'])
  expect(Date.now() - startedAt).toBeLessThan(2_000)
  // Back on LISTEN (B's message reaches A), A's own notifications are not delivered a second time:
  // the echo of 'three' reaches A's LISTEN before 'four', which was committed after it.
  await emit(b, { topic: 'own', payload: 'from b' })
  await waitFor(() => atA.includes('from b'), 15_000, 'replica A listening again')
  await emit(a, { topic: 'own', payload: 'three' })
  await emit(b, { topic: 'own', payload: 'four' })
  await waitFor(() => atA.includes('four'), 10_000, "B's message after A's")
  expect(atA).toEqual(['one', 'from b', 'three', 'four'])
  await close(a, b)
})

test("Aedes' news of a client's subscriptions and disconnection stays on its replica; new clients travel", async () => {
  const [a, b] = await pair()
  const atA: string[] = []
  const atB: string[] = []
  a.on('$SYS/+/#', (message, done) => {
    atA.push(message.topic)
    done()
  })
  b.on('$SYS/+/#', (message, done) => {
    atB.push(message.topic)
    done()
  })
  const local = ['$SYS/a/new/subscribes', '$SYS/a/new/unsubscribes', '$SYS/a/disconnect/clients']
  for (const topic of local) await emit(a, { topic, payload: '{}' })
  await emit(a, { topic: '$SYS/a/new/clients', payload: 'guest-1' })
  // Sent after the others: once it is at B, they would have been too.
  await waitFor(() => atB.length > 0, 5_000, 'new clients at replica B')
  expect(atB).toEqual(['$SYS/a/new/clients'])
  expect(atA).toEqual([...local, '$SYS/a/new/clients'])
  await close(a, b)
})

test('after its LISTEN connection is killed, a replica reconnects and receives again', async () => {
  const warnings: string[] = []
  const logger = {
    info: () => {},
    warn: (line: string) => warnings.push(line),
    error: (line: string) => warnings.push(line),
  }
  const [a, b, channel] = await pair({ listen: { minDelay: 10, maxDelay: 100 }, logger })
  // This pair's own connection: an earlier test's may still be leaving pg_stat_activity.
  const killed = await schema.sql`
    select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and application_name = ${`emitter-replica-b listen ${channel}`}`
  expect(killed.length).toBe(1)
  // Keep sending until b hears one (what is sent in the gap comes later: replay.test.ts).
  const heard = new Promise<EmitterMessage>((resolve) =>
    b.on('again', (message, done) => {
      done()
      resolve(message)
    }),
  )
  let n = 0
  const timer = setInterval(() => a.emit({ topic: 'again', payload: String(n++) }), 20)
  const message = await heard
  clearInterval(timer)
  expect(message.topic).toBe('again')
  // Background trouble is reported, not thrown.
  expect(warnings.some((line) => /connection closed; reconnecting/.test(line))).toBe(true)
  await close(a, b)
})
