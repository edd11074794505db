/**
 * An offline session's queue is bounded: when full, the oldest messages are dropped and the log
 * says so; the newest are delivered when the client comes back, over TCP and WebSocket.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mqttPath } from '../contract/index.ts'
import { createTestDatabase } from '../test/db.ts'
import { collect, connectClient, testTokens, waitFor } from '../test/harness.ts'
import { createBrokerSql, type DurableBroker, startDurableBroker } from './durable.ts'
import { ConnectionGuard } from './guard.ts'
import { attachWebSocket, closeServer, listenTcp } from './listeners.ts'

const MAX_QUEUED = 10
const warnings: string[] = []
const log = { info: () => {}, warn: (line: string) => warnings.push(line), error: console.error }

let database: Awaited<ReturnType<typeof createTestDatabase>>
let sql: ReturnType<typeof createBrokerSql>
let durable: DurableBroker
let close: () => Promise<void>
const urls = { tcp: '', ws: '' }

beforeAll(async () => {
  database = await createTestDatabase()
  sql = createBrokerSql(database.url)
  durable = await startDurableBroker({
    sql,
    credentials: testTokens,
    log,
    replicas: false,
    relay: false,
    maxQueued: MAX_QUEUED,
  })
  const guard = new ConnectionGuard({}, log)
  const tcp = await listenTcp(durable.broker, 0, '127.0.0.1', guard)
  const http = createServer()
  attachWebSocket(http, durable.broker, mqttPath, guard)
  await new Promise<void>((ready) => http.listen(0, '127.0.0.1', ready))
  urls.tcp = `mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}`
  urls.ws = `ws://127.0.0.1:${(http.address() as AddressInfo).port}${mqttPath}`
  close = async () => {
    await durable.close()
    await Promise.all([closeServer(tcp), closeServer(http)])
  }
})
afterAll(async () => {
  await close()
  await sql.end()
  await database.drop()
})

describe.each(['tcp', 'ws'] as const)('over %s', (transport) => {
  test(`a queue keeps the newest ${MAX_QUEUED} messages and logs the drop`, async () => {
    const session = { username: 'printer', password: testTokens.printerToken, clientId: `printer-${transport}` }
    const topic = 'bar/tickets'
    const printer = await connectClient(urls[transport], { ...session, clean: false })
    await printer.subscribeAsync(topic, { qos: 1 })
    await printer.endAsync()

    const service = await connectClient(urls.tcp, { username: 'service', password: testTokens.serviceToken })
    const sent = Array.from({ length: 25 }, (_, i) => `${transport} ticket ${i + 1}`)
    for (const payload of sent) await service.publishAsync(topic, payload, { qos: 1 })
    await service.endAsync()
    await waitFor(() => warnings.some((line) => line.includes(`queue of printer-${transport} is full`)))
    // A PUBACK does not wait for the queue write, nor the log for the last trim: wait until the
    // queue in Postgres holds the newest tickets and only they.
    const newest = sent.slice(-MAX_QUEUED)
    await waitFor(
      async () => {
        const rows = await sql<{ payload: Buffer }[]>`
          select payload from mqtt_outgoing where client_id = ${session.clientId} order by id`
        return rows.map((row) => Buffer.from(row.payload).toString()).join('\n') === newest.join('\n')
      },
      10_000,
      `the newest ${MAX_QUEUED} tickets, and only they, queued for printer-${transport}`,
    )

    // Listening before CONNACK: the queue follows it at once.
    const back = mqtt.connect(urls[transport], { ...session, clean: false, reconnectPeriod: 0 })
    const inbox = collect(back)
    await inbox.next((m) => m.payload === sent.at(-1))
    expect(inbox.received.map((m) => m.payload)).toEqual(newest)
    await back.endAsync()
  })
})
