/**
 * A broker replica while its Postgres restarts: ready again soon after Postgres is back, without a
 * restart of its own, and delivering across replicas again. The Postgres is a throwaway cluster of
 * this suite, which it stops and starts.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createSql, migrateFunctions } from '../functions/shared/db.ts'
import { collect, connectClient, testTokenEnv, testTokens, waitFor } from '../test/harness.ts'
import { type PostgresCluster, startPostgresCluster } from '../test/postgres-cluster.ts'
import { type Part, startBrokerPart } from '../test/processes.ts'

/**
 * Postgres back, the broker must be ready and delivering within this. The pool and the LISTEN
 * connections try again within a second (db/reconnect-delay.ts, broker/pg/listener.ts), and a
 * replica back on LISTEN has the others send again what it missed (broker/emitter/sent-log.ts);
 * the rest is room for a loaded machine.
 */
const recoverWithinMs = 15_000
let cluster: PostgresCluster
const running: Part[] = []

beforeAll(async () => {
  cluster = await startPostgresCluster()
  const sql = createSql(cluster.url)
  await migrateFunctions(sql)
  await sql.end()
}, 120_000)
afterAll(async () => {
  await Promise.all(running.map((part) => part.stop('SIGKILL')))
  cluster?.destroy()
})

async function startReplica() {
  const replica = await startBrokerPart({ ...testTokenEnv, DATABASE_URL: cluster.url })
  running.push(replica)
  return replica
}

const isReady = async (url: string) => (await fetch(url).catch(() => null))?.ok ?? false

test('after Postgres restarts, both replicas are ready and share their bus again, without a restart', async () => {
  const [a, b] = await Promise.all([startReplica(), startReplica()])
  await cluster.stop('fast')
  // Probes keep coming while it is away, as Kubernetes' would.
  const away = Date.now() + 5000
  while (Date.now() < away) {
    expect(await isReady(a.readyUrl)).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  await cluster.start()
  const back = Date.now()
  await waitFor(async () => (await isReady(a.readyUrl)) && (await isReady(b.readyUrl)), 30_000)
  const readyMs = Date.now() - back

  const bar = await connectClient(b.url, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync('bar/orders', { qos: 1 })
  const received = collect(bar)
  const service = await connectClient(a.url, { username: 'service', password: testTokens.serviceToken })
  // The LISTEN connections come back on their own schedule: publish until one arrives.
  await waitFor(async () => {
    await service.publishAsync('bar/orders', 'after the restart', { qos: 1 })
    return received.received.length > 0
  }, 30_000)
  const deliveringMs = Date.now() - back
  await Promise.all([bar.endAsync(), service.endAsync()])
  expect(readyMs, 'ms until both replicas were ready').toBeLessThan(recoverWithinMs)
  expect(deliveringMs, 'ms until a message crossed replicas').toBeLessThan(recoverWithinMs)
}, 120_000)
