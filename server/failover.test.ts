/**
 * A broker replica killed under a printer with a persistent session: the printer comes back on
 * the other replica (as through the load balancer) and finds its session there, with every
 * message it had not acknowledged and every message published while it was away.
 */
import mqtt, { type IConnackPacket, type Packet } from 'mqtt'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { topics } from '../contract/index.ts'
import { createSql, migrateFunctions } from '../functions/shared/db.ts'
import { createTestDatabase } from '../test/db.ts'
import { connectClient, testTokenEnv, testTokens, waitFor } from '../test/harness.ts'
import { type Part, startBrokerPart } from '../test/processes.ts'

let database: Awaited<ReturnType<typeof createTestDatabase>>
const running: Part[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  const sql = createSql(database.url)
  await migrateFunctions(sql)
  await sql.end()
})
afterAll(async () => {
  await Promise.all(running.map((part) => part.stop('SIGKILL')))
  await database.drop()
})

async function startReplica() {
  const replica = await startBrokerPart({ ...testTokenEnv, DATABASE_URL: database.url })
  running.push(replica)
  return replica
}

const printer = { clientId: 'failover-printer', clean: false, username: 'printer', password: testTokens.printerToken }

test('a persistent session resumes on the other replica with its queue after its replica was SIGKILLed', async () => {
  const [a, b] = await Promise.all([startReplica(), startReplica()])
  const first = await connectClient(a.url, printer)
  await first.subscribeAsync(topics.barTickets, { qos: 1 })
  // A printer busy printing: it holds its PUBACK, so the broker must keep what it sent in the session.
  const held: string[] = []
  first.handleMessage = (packet: Packet, _done) => {
    if (packet.cmd === 'publish') held.push(packet.payload.toString())
  }
  const service = await connectClient(b.url, { username: 'service', password: testTokens.serviceToken })
  for (const n of [1, 2, 3]) await service.publishAsync(topics.barTickets, `ticket ${n}`, { qos: 1 })
  // mqtt.js reads no further packet while one is held: ticket 1 is in hand, 2 and 3 in flight.
  await waitFor(() => held.length === 1, 10_000)

  expect(await a.stop('SIGKILL')).toBeNull()
  first.end(true)
  for (const n of [4, 5]) await service.publishAsync(topics.barTickets, `ticket ${n}`, { qos: 1 })

  // Back through the load balancer, on the replica still standing. Its CONNACK has been seen to
  // take about 30 s when the whole suite runs (not yet explained; see BENCHMARKS.md's venue
  // section): this test is about the session coming back whole, the drill measures how fast.
  const received = new Set<string>()
  const second = mqtt.connect(b.url, { ...printer, reconnectPeriod: 0, connectTimeout: 60_000 })
  second.on('message', (_topic, payload) => received.add(payload.toString()))
  const connack = await new Promise<IConnackPacket>((resolve, reject) => {
    second.once('connect', resolve)
    second.once('error', reject)
  })
  expect(connack.sessionPresent).toBe(true)
  await waitFor(() => received.size === 5, 10_000).catch(() => {})
  expect([...received].sort()).toEqual(['ticket 1', 'ticket 2', 'ticket 3', 'ticket 4', 'ticket 5'])
  await Promise.all([second.endAsync(), service.endAsync()])
}, 120_000)
