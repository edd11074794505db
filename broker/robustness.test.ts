/**
 * No packet and no stored row ends the broker process (`npm run broker`, a process of its own):
 * topics Postgres cannot hold are refused below the hooks, and stored packets that cannot be
 * published are quarantined instead of failing at every start.
 */
import mqtt from 'mqtt'
import mqttPacket from 'mqtt-packet'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDatabase } from '../test/db.ts'
import { collect, connectClient, testTokenEnv, testTokens, waitFor } from '../test/harness.ts'
import { type BrokerPart, startBrokerPart } from '../test/processes.ts'
import { openRaw } from '../test/raw-mqtt.ts'
import { createBrokerSql } from './durable.ts'
import { migrateBroker } from './migrations/index.ts'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let sql: postgres.Sql
let broker: BrokerPart

const printer = { username: 'printer', password: testTokens.printerToken }

async function startBroker() {
  // Wills of dead brokers are published every fourth heartbeat: a second here, not four minutes.
  return startBrokerPart({ ...testTokenEnv, DATABASE_URL: database.url, MQTT_HEARTBEAT_INTERVAL_MS: '250' })
}

/** The broker process is running and answers, and a new client is served. */
async function expectServing() {
  expect(broker.child.exitCode).toBe(null)
  expect((await fetch(broker.readyUrl)).status).toBe(200)
  const guest = await connectClient(broker.url)
  const inbox = collect(guest)
  await guest.subscribeAsync('public/kept', { qos: 1 })
  await inbox.next((m) => m.topic === 'public/kept' && m.payload === 'still here')
  await guest.endAsync()
}

const quarantined = async (source: string) =>
  (await sql<{ reason: string }[]>`select reason from mqtt_quarantine where source = ${source}`).map((r) => r.reason)

beforeAll(async () => {
  database = await createTestDatabase()
  sql = createBrokerSql(database.url)
  await migrateBroker(sql)
  const header = (fields: object) => JSON.stringify({ cmd: 'publish', qos: 1, dup: false, ...fields })
  // Rows that earlier versions let in, or that a damaged database holds.
  await sql`
    insert into mqtt_wills (client_id, broker_id, header, payload, payload_is_text) values
      ('ghost-nul', 'dead-broker', ${header({ topic: 'public/\u0000x', retain: true, clientId: 'ghost-nul', brokerId: 'dead-broker' })}, 'x', true)`
  await sql`
    insert into mqtt_retained (topic, header, payload, payload_is_text) values
      ('public/kept', ${header({ topic: 'public/kept', retain: true })}, 'still here', true),
      ('public/broken', '{not json', 'x', true)`
  await sql`insert into mqtt_subscriptions (client_id, topic, qos) values ('printer-robust', 'bar/tickets', 1)`
  await sql`
    insert into mqtt_outgoing (client_id, broker_id, broker_counter, header, payload, payload_is_text) values
      ('printer-robust', 'dead-broker', 1, ${header({ topic: 'bar/tickets\u0000', retain: false })}, 'bad', true),
      ('printer-robust', 'dead-broker', 2, ${header({ topic: 'bar/tickets', retain: false })}, 'ticket 2', true)`
  broker = await startBroker()
})
afterAll(async () => {
  await broker?.stop('SIGKILL')
  await sql.end()
  await database.drop()
})

test('a stored will that cannot be published is quarantined, and the broker keeps serving', async () => {
  await waitFor(async () => (await quarantined('mqtt_wills')).length === 1, 10_000)
  expect(await sql`select 1 from mqtt_wills where client_id = 'ghost-nul'`).toHaveLength(0)
  await expectServing()
})

test('a retained row that cannot be read is quarantined; the others are delivered', async () => {
  const bar = await connectClient(broker.wsUrl, { username: 'bar', password: testTokens.barToken })
  const inbox = collect(bar)
  await bar.subscribeAsync('public/#', { qos: 1 })
  await inbox.next((m) => m.topic === 'public/kept')
  await waitFor(async () => (await quarantined('mqtt_retained')).length === 1)
  expect(inbox.received.map((m) => m.topic)).not.toContain('public/broken')
  await bar.endAsync()
})

test('a queued row that cannot be published is quarantined; the rest of the queue is delivered', async () => {
  // Listening before CONNACK: the queue follows it at once.
  const client = mqtt.connect(broker.url, { ...printer, clientId: 'printer-robust', clean: false, reconnectPeriod: 0 })
  const inbox = collect(client)
  await inbox.next((m) => m.payload === 'ticket 2')
  expect(inbox.received.map((m) => m.payload)).toEqual(['ticket 2'])
  expect(await quarantined('mqtt_outgoing')).toHaveLength(1)
  await client.endAsync()
})

describe.each(['tcp', 'ws'] as const)('over %s', (transport) => {
  test('a SUBSCRIBE to a filter holding U+0000 does not end the process', async () => {
    for (const clean of [true, false]) {
      const conn = await openRaw(transport === 'tcp' ? broker.url : broker.wsUrl)
      const connect = { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, keepalive: 0 } as const
      await conn.send(
        mqttPacket.generate(
          clean
            ? { ...connect, clean, clientId: '' }
            : {
                ...connect,
                clean,
                clientId: `nul-${transport}`,
                username: 'service',
                password: Buffer.from(testTokens.serviceToken),
              },
        ),
      )
      await waitFor(() => conn.received().length >= 4)
      await conn.send(
        mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'public/\u0000', qos: 1 }] }),
      )
      // Refused (SUBACK 0x80) or disconnected: either way, nothing reaches Postgres.
      await waitFor(() => conn.closed() || conn.received().length >= 9)
      conn.close()
    }
    await expectServing()
  })
})

test('a will on a topic holding U+0000 does not bring the broker down at its next start', async () => {
  const conn = await openRaw(broker.url)
  const will = { topic: 'public/\u0000x', payload: Buffer.from('x'), qos: 1 as const, retain: true }
  await conn.send(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      keepalive: 0,
      clean: false,
      clientId: 'will-nul',
      username: 'service',
      password: Buffer.from(testTokens.serviceToken),
      will,
    }),
  )
  await waitFor(() => conn.closed() || conn.received().length >= 4)
  // The broker dies with the connection open: its wills are left for the next broker.
  await broker.stop('SIGKILL')
  conn.close()
  broker = await startBroker()
  // Published or quarantined, not retried at every start: the row goes away and the broker stays.
  await waitFor(async () => (await sql`select 1 from mqtt_wills where client_id = 'will-nul'`).length === 0, 10_000)
  await expectServing()
})
