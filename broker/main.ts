/**
 * `npm run broker`: the broker alone, as each replica runs. MQTT over TCP on MQTT_PORT; MQTT over
 * WebSocket at `/mqtt`, `/api/healthz`, `/api/readyz` and `/metrics` (Prometheus) on PORT. Its state lives in Postgres
 * (DATABASE_URL), shared by every replica.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mqttPath, routes } from '../contract/index.ts'
import { readEnv } from '../runtime/config.ts'
import { createLogger } from '../runtime/logger.ts'
import { createMetricsRegistry, METRICS_PATH, writeMetrics } from '../runtime/metrics.ts'
import { choosePort, defaultPorts } from '../runtime/ports.ts'
import { readPushOptions } from '../runtime/push/options.ts'
import { createPushSender } from '../runtime/push/sender.ts'
import { loadVapidKeys } from '../runtime/push/vapid.ts'
import { loadTokens } from '../runtime/secrets.ts'
import { onShutdown } from '../runtime/shutdown.ts'
import { readBrokerConfig } from './config.ts'
import { createBrokerSql, startDurableBroker } from './durable.ts'
import { ConnectionGuard } from './guard.ts'
import { attachWebSocket, closeServer, listenTcp } from './listeners.ts'

const log = createLogger('broker')
try {
  const databaseUrl = readEnv().required('DATABASE_URL', 'the broker keeps its sessions and queues in Postgres')
  const tokens = loadTokens()
  const vapid = loadVapidKeys()
  const { guard: guardOptions, pool, ...bounds } = readBrokerConfig()
  const mqttPort = await choosePort('MQTT_PORT', process.env.MQTT_PORT, defaultPorts.mqtt, (line) => log.info(line))
  const port = await choosePort('PORT', process.env.PORT, defaultPorts.http, (line) => log.info(line))
  const sql = createBrokerSql(databaseUrl, pool)

  const metrics = createMetricsRegistry({ process: true })
  const { broker, close } = await startDurableBroker({
    sql,
    credentials: tokens,
    log,
    metrics,
    push: createPushSender({ sql, vapid, log, options: readPushOptions(), metrics }),
    ...bounds,
  })
  const guard = new ConnectionGuard(guardOptions, log)
  const tcp = await listenTcp(broker, mqttPort, undefined, guard)
  const http: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === METRICS_PATH) return writeMetrics(metrics, res)
    let status = 404
    let body: unknown = { error: { code: 'not_found', message: 'no such route' } }
    if (path === routes.healthz) [status, body] = [200, { ok: true }]
    if (path === routes.readyz) {
      const database = await sql`select 1`.then(
        () => true,
        () => false,
      )
      ;[status, body] = [database ? 200 : 503, { ok: database, database }]
    }
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  })
  attachWebSocket(http, broker, mqttPath, guard)
  await new Promise<void>((ready) => http.listen(port, ready))
  log.info(
    `MQTT on :${(tcp.address() as AddressInfo).port}, WebSocket and health on :${(http.address() as AddressInfo).port}`,
  )

  onShutdown(
    async () => {
      // Stop taking connections, then let the broker hand its clients' state to Postgres.
      tcp.close()
      http.close()
      await close()
      await Promise.all([closeServer(tcp), closeServer(http)])
      await sql.end({ timeout: 5 })
    },
    { log },
  )
} catch (error) {
  log.error(`cannot start: ${(error as Error).message}`)
  process.exit(1)
}
