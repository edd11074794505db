/**
 * Two broker replicas, as deployed (`broker/main.ts` processes on one database): each one's
 * `/metrics` shows the other heard over the shared bus, and a message's way in and out.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { topics } from '../contract/index.ts'
import { createSql, migrateFunctions } from '../functions/shared/db.ts'
import { createMetricsRegistry } from '../runtime/metrics.ts'
import { createTestDatabase } from '../test/db.ts'
import { collect, connectClient, quiet, testTokenEnv, testTokens, waitFor } from '../test/harness.ts'
import { type BrokerPart, startBrokerPart } from '../test/processes.ts'
import { parsePrometheus, scrapeUntil } from '../test/prometheus.ts'
import { closeBroker, createBroker } from './broker.ts'
import { observeBroker } from './metrics.ts'

let database: Awaited<ReturnType<typeof createTestDatabase>>
const replicas: BrokerPart[] = []
const metricsOf = (replica: BrokerPart) => `http://127.0.0.1:${replica.ports.http}/metrics`

beforeAll(async () => {
  database = await createTestDatabase()
  const sql = createSql(database.url)
  // The outbox table the replicas' metrics read belongs to the functions' schema.
  await migrateFunctions(sql)
  await sql.end()
  for (let i = 0; i < 2; i++) {
    replicas.push(await startBrokerPart({ ...testTokenEnv, DATABASE_URL: database.url }))
  }
})
afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()))
  await database.drop()
})

test('each replica hears the other on the bus, and counts messages in on one and out on the other', async () => {
  for (const replica of replicas) {
    const now = await scrapeUntil(
      metricsOf(replica),
      'the other replica heard on the bus',
      (m) => m.value('drinks_broker_bus_peers') === 1,
    )
    expect(now.value('drinks_broker_bus_peer_lag_seconds')).toBeLessThan(2)
    expect(now.has('drinks_broker_bus_roundtrip_seconds')).toBe(true)
  }
  const [one, two] = replicas as [(typeof replicas)[0], (typeof replicas)[0]]
  const bar = await connectClient(two.url, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync(topics.publicTicker, { qos: 0 })
  const inbox = collect(bar)
  const service = await connectClient(one.url, { username: 'service', password: testTokens.serviceToken })
  await scrapeUntil(metricsOf(two), 'the bar connected', (m) => m.value('drinks_mqtt_clients', { role: 'bar' }) === 1)
  await service.publishAsync(topics.publicTicker, JSON.stringify({ nickname: 'Gil', drinkId: 'tea', at: 'now' }))
  await inbox.next((m) => m.payload.includes('Gil'))

  const ticker = { topic: topics.publicTicker }
  await scrapeUntil(metricsOf(one), 'the message received from the service', (m) => {
    return m.value('drinks_mqtt_messages_received_total', { ...ticker, role: 'service' }) === 1
  })
  await scrapeUntil(metricsOf(two), 'the message sent to the bar', (m) => {
    return m.value('drinks_mqtt_messages_sent_total', { ...ticker, role: 'bar' }) === 1
  })
  await Promise.all([bar.endAsync(), service.endAsync()])
})

test("the longest the replica's event loop ran late since the previous scrape", async () => {
  const broker = await createBroker({ credentials: testTokens, log: quiet })
  const registry = createMetricsRegistry()
  observeBroker(broker, registry)
  const stall = async () => parsePrometheus(await registry.metrics()).value('nodejs_eventloop_lag_max_seconds')
  await stall()
  // A turn of 150 ms, as a fan-out to thousands of guests or a storm of connections makes one.
  const until = performance.now() + 150
  while (performance.now() < until) {}
  // Seen when the sampling timer next fires: a scrape before that finds it still to come.
  await waitFor(async () => (await stall()) >= 0.14, 2_000, 'the 150 ms turn in the metric')
  // Each scrape starts the figure anew.
  expect(await stall()).toBeLessThan(0.14)
  await closeBroker(broker)
})
