/**
 * `npm run broker`: the broker alone. MQTT over TCP on MQTT_PORT, MQTT over WebSocket at
 * `/mqtt` and `/api/healthz` on PORT. With DATABASE_URL it relays the orders' outbox.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import postgres from 'postgres'
import { createLogger } from '../runtime/logger.ts'
import { choosePort } from '../runtime/ports.ts'
import { loadTokens } from '../runtime/secrets.ts'
import { onShutdown } from '../runtime/shutdown.ts'
import { closeBroker, createBroker } from './broker.ts'
import { attachWebSocket, closeServer, listenTcp } from './listeners.ts'
import { startOutboxRelay } from './outbox-relay.ts'

const log = createLogger('broker')
try {
  const tokens = loadTokens()
  const mqttPort = await choosePort('MQTT_PORT', process.env.MQTT_PORT, 1883, (line) => log.info(line))
  const port = await choosePort('PORT', process.env.PORT, 8080, (line) => log.info(line))
  const sql = process.env.DATABASE_URL ? postgres(process.env.DATABASE_URL, { max: 4, onnotice: () => {} }) : null

  const broker = await createBroker({ credentials: tokens, log })
  const tcp = await listenTcp(broker, mqttPort)
  const http: Server = createServer((req, res) => {
    const healthy = req.url === '/api/healthz' || req.url === '/api/readyz'
    res.writeHead(healthy ? 200 : 404, { 'content-type': 'application/json' })
    res.end(JSON.stringify(healthy ? { ok: true } : { error: { code: 'not_found', message: 'no such route' } }))
  })
  attachWebSocket(http, broker)
  await new Promise<void>((ready) => http.listen(port, ready))
  const relay = sql ? startOutboxRelay({ sql, broker, log }) : null
  log.info(
    `MQTT on :${(tcp.address() as AddressInfo).port}, WebSocket and health on :${(http.address() as AddressInfo).port}`,
  )

  onShutdown(async () => {
    await closeServer(http)
    await closeServer(tcp)
    await relay?.stop()
    await closeBroker(broker)
    await sql?.end({ timeout: 5 })
  })
} catch (error) {
  log.error(`cannot start: ${(error as Error).message}`)
  process.exit(1)
}
