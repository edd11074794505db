import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type Replica, startReplica } from '../../test/broker/test-replica.ts'
import { createTestSchema, type TestSchema } from '../../test/broker/test-schema.ts'
import { connectClient } from '../../test/harness.ts'
import { waitFor } from '../../test/wait.ts'
import { createPostgresPersistence } from './persistence.ts'

let schema: TestSchema

beforeAll(async () => {
  schema = await createTestSchema('mqtt_persistence_test')
})
afterAll(async () => {
  await schema.drop()
})

/** Channels of their own per test: replicas of one test share them, tests do not. */
function channels() {
  const tag = randomBytes(4).toString('hex')
  return { subscriptions: `subs_${tag}`, emitter: `mq_${tag}` }
}

/** Rows queued for the client: Aedes acknowledges a QoS 1 PUBLISH before it queues it. */
async function queuedFor(clientId: string, count: number): Promise<number> {
  const read = async () => (await schema.sql`select 1 from mqtt_outgoing where client_id = ${clientId}`).length
  await waitFor(async () => (await read()) === count, 5_000, `${count} rows queued for ${clientId}`)
  return read()
}

test('a subscriber on replica A gets what is published on replica B', async () => {
  const shared = channels()
  const a = await startReplica(schema.sql, { id: 'replica-a', channels: shared })
  const b = await startReplica(schema.pool(), { id: 'replica-b', channels: shared })
  const received: string[] = []
  const subscriber = await connectClient(a.url, { clientId: `bar-${randomBytes(3).toString('hex')}` }, (_, payload) =>
    received.push(payload.toString()),
  )
  await subscriber.subscribeAsync('bar/orders', { qos: 1 })
  const publisher = await connectClient(b.url, {})
  await publisher.publishAsync('bar/orders', 'qos 1', { qos: 1 })
  await publisher.publishAsync('bar/orders', 'qos 0', { qos: 0 })
  await publisher.publishAsync('bar/orders', Buffer.alloc(20 * 1024, 'x'), { qos: 1 })
  await waitFor(() => received.length === 3, 5_000, 'the three messages on replica A')
  expect(received.slice(0, 2)).toEqual(['qos 1', 'qos 0'])
  expect(received[2]).toHaveLength(20 * 1024)
  await Promise.all([subscriber.endAsync(), publisher.endAsync()])
  await Promise.all([a.close(), b.close()])
})

test('a persistent session gets what was queued while it was offline, across a broker restart', async () => {
  const shared = channels()
  const clientId = `printer-${randomBytes(3).toString('hex')}`
  let replica: Replica = await startReplica(schema.sql, { id: 'first', channels: shared })
  const printer = await connectClient(replica.url, { clientId, clean: false })
  await printer.subscribeAsync('bar/tickets', { qos: 1 })
  await printer.endAsync()

  const publisher = await connectClient(replica.url, {})
  for (let i = 1; i <= 5; i++) await publisher.publishAsync('bar/tickets', `ticket ${i}`, { qos: 1 })
  await publisher.publishAsync('public/menu', 'menu v2', { qos: 1, retain: true })
  await publisher.endAsync()
  expect(await queuedFor(clientId, 5)).toBe(5)
  await replica.close()

  replica = await startReplica(schema.sql, { id: 'second', channels: shared })
  const tickets: string[] = []
  const back = await connectClient(replica.url, { clientId, clean: false }, (_, payload) =>
    tickets.push(payload.toString()),
  )
  await waitFor(() => tickets.length === 5, 5_000, 'the five queued tickets after the restart')
  expect(tickets).toEqual(['ticket 1', 'ticket 2', 'ticket 3', 'ticket 4', 'ticket 5'])
  // Every PUBACK clears its message from the queue.
  expect(await queuedFor(clientId, 0)).toBe(0)

  const retained: string[] = []
  const guest = await connectClient(replica.url, {}, (_, payload) => retained.push(payload.toString()))
  await guest.subscribeAsync('public/menu', { qos: 1 })
  await waitFor(() => retained.length === 1, 5_000, 'the retained menu')
  expect(retained).toEqual(['menu v2'])
  await Promise.all([back.endAsync(), guest.endAsync()])
  await replica.close()
})

test('a persistent subscription made on one replica queues what is published on another', async () => {
  const shared = channels()
  const a = await startReplica(schema.sql, { id: 'replica-a', channels: shared })
  const b = await startReplica(schema.pool(), { id: 'replica-b', channels: shared })
  const clientId = `printer-${randomBytes(3).toString('hex')}`
  const printer = await connectClient(a.url, { clientId, clean: false })
  await printer.subscribeAsync('bar/tickets/#', { qos: 1 })
  await printer.endAsync()
  // B learns of the subscription through its LISTEN; the publish must find it there.
  await waitFor(
    async () => (await b.persistence.subscriptionsByTopic('bar/tickets/7')).length === 1,
    5_000,
    'replica B to learn of the subscription',
  )
  // Aedes acknowledges a QoS 1 PUBLISH before it queues and emits it: reconnecting before that is
  // done could bring the message twice, live and from the queue (QoS 1 allows it).
  const published = new Promise<void>((resolve) =>
    b.broker.on('publish', (packet) => {
      if (packet.topic === 'bar/tickets/7') resolve()
    }),
  )
  const publisher = await connectClient(b.url, {})
  await publisher.publishAsync('bar/tickets/7', 'ticket 7', { qos: 1 })
  await published
  await publisher.endAsync()
  expect(await queuedFor(clientId, 1)).toBe(1)

  const tickets: string[] = []
  const back = await connectClient(b.url, { clientId, clean: false }, (_, payload) => tickets.push(payload.toString()))
  await waitFor(() => tickets.length === 1, 5_000, 'the queued ticket on replica B')
  expect(tickets).toEqual(['ticket 7'])
  await back.endAsync()
  await Promise.all([a.close(), b.close()])
})

test('a replica whose LISTEN connection was killed reloads the subscriptions it missed', async () => {
  const { subscriptions: channel } = channels()
  const broker = { id: 'b' }
  const one = createPostgresPersistence({ sql: schema.sql, channel })
  const two = createPostgresPersistence({
    sql: schema.pool({ applicationName: 'persistence-replica-two' }),
    channel,
    listen: { minDelay: 10, maxDelay: 50 },
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  })
  await Promise.all([one.setup(broker), two.setup(broker)])
  const killed = await schema.sql`
    select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and application_name like 'persistence-replica-two listen %'`
  expect(killed.length).toBe(1)
  await one.addSubscriptions({ id: 'late' }, [{ topic: 'orders/+', qos: 1 }])
  await waitFor(
    async () => (await two.subscriptionsByTopic('orders/1')).length === 1,
    5_000,
    'the reload after the LISTEN came back',
  )
  const matched = await two.subscriptionsByTopic('orders/1')
  expect(matched).toEqual([{ clientId: 'late', topic: 'orders/+', qos: 1 }])
  await Promise.all([one.destroy(), two.destroy()])
})

test('the hot path batches: a thousand messages take a handful of statements per step', async () => {
  const statements: string[] = []
  const sql = schema.pool({ debug: (_, query) => statements.push(query) })
  const persistence = createPostgresPersistence({ sql, channel: channels().subscriptions })
  await persistence.setup({ id: 'bench' })
  const clientId = `bulk-${randomBytes(3).toString('hex')}`
  const packets = Array.from({ length: 1_000 }, (_, i) => ({
    cmd: 'publish',
    topic: 'bar/tickets',
    payload: Buffer.from(`ticket ${i}`),
    qos: 1,
    retain: false,
    dup: false,
    brokerId: 'bench',
    brokerCounter: i + 1,
  }))
  statements.length = 0
  await Promise.all(packets.map((packet) => persistence.outgoingEnqueueCombi([{ clientId }], packet)))
  await Promise.all(
    packets.map((packet, i) => persistence.outgoingUpdate({ id: clientId }, { ...packet, messageId: i + 1 })),
  )
  const cleared = await Promise.all(
    packets.map((_, i) => persistence.outgoingClearMessageId({ id: clientId }, { messageId: i + 1 })),
  )
  // 3,000 operations in batches of up to 500 rows: 2 statements to queue, one check of the queue's
  // bound (every tenth of the default 10,000 messages queued for a client), 2 to delete. The
  // identifiers, acknowledged within the second they are held, are never written.
  expect(statements).toHaveLength(5)
  expect(statements.filter((statement) => statement.includes('set message_id'))).toEqual([])
  expect(cleared.map((packet) => String(packet?.payload))).toEqual(packets.map((packet) => String(packet.payload)))
  expect((await sql`select 1 from mqtt_outgoing where client_id = ${clientId}`).length).toBe(0)
  await persistence.destroy()
})

test('an identifier whose PUBACK does not come is stored within seconds, and at once when its client connects again', async () => {
  const sql = schema.pool()
  const a = createPostgresPersistence({ sql, channel: channels().subscriptions })
  const b = createPostgresPersistence({ sql, channel: channels().subscriptions })
  await a.setup({ id: 'replica-a' })
  await b.setup({ id: 'replica-b' })
  const packet = (clientId: string, counter: number) => ({
    cmd: 'publish',
    topic: 'bar/tickets',
    payload: Buffer.from(`ticket for ${clientId}`),
    qos: 1,
    retain: false,
    dup: false,
    brokerId: 'replica-a',
    brokerCounter: counter,
  })
  const resumed = async (persistence: typeof a, clientId: string) => {
    const packets: { messageId?: number; payload?: unknown }[] = []
    for await (const queued of persistence.outgoingStream({ id: clientId })) packets.push(queued)
    return packets.map(({ messageId, payload }) => ({ messageId, payload: String(payload) }))
  }

  // The printer drops before its PUBACK and comes back on the other replica a while later.
  const away = `printer-away-${randomBytes(3).toString('hex')}`
  await a.outgoingEnqueueCombi([{ clientId: away }], packet(away, 1))
  await a.outgoingUpdate({ id: away }, { ...packet(away, 1), messageId: 7 })
  await waitFor(
    async () => (await sql`select 1 from mqtt_outgoing where client_id = ${away} and message_id = 7`).length === 1,
    5_000,
    'the identifier stored without its PUBACK',
  )
  expect(await resumed(b, away)).toEqual([{ messageId: 7, payload: `ticket for ${away}` }])

  // The printer drops and comes back at once, on the same replica.
  const back = `printer-back-${randomBytes(3).toString('hex')}`
  await a.outgoingEnqueueCombi([{ clientId: back }], packet(back, 2))
  await a.outgoingUpdate({ id: back }, { ...packet(back, 2), messageId: 9 })
  expect(await resumed(a, back)).toEqual([{ messageId: 9, payload: `ticket for ${back}` }])

  await a.destroy()
  await b.destroy()
})
