/**
 * The built client served alone, as its pod runs it (`node dist/client-server.mjs` in the image):
 * PORT (8080), CLIENT_DIR (`client/dist` under the working directory), PUBLIC_URL and EVENT_NAME
 * for `/config.json`. SIGTERM finishes in-flight requests, then exits.
 */
import { existsSync } from 'node:fs'
import type { Server } from 'node:http'
import { join, resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { readEnv } from '../runtime/config.ts'
import { createLogger } from '../runtime/logger.ts'
import { defaultPorts } from '../runtime/ports.ts'
import { onShutdown } from '../runtime/shutdown.ts'
import { type ClientConfig, createClientApp, readClientConfig } from './client-app.ts'

const log = createLogger('client-server')
let settings: { clientDir: string; port: number; config: ClientConfig }
try {
  const read = readEnv()
  settings = {
    clientDir: resolve(read.text('CLIENT_DIR', 'client/dist')),
    port: read.port('PORT', defaultPorts.http),
    config: readClientConfig(),
  }
} catch (error) {
  log.error(`cannot start: ${(error as Error).message}`)
  process.exit(1)
}
const { clientDir, port, config } = settings
if (!existsSync(join(clientDir, 'index.html'))) {
  log.error(`no built client in ${clientDir}: run \`npx vite build client\` or set CLIENT_DIR`)
  process.exit(1)
}

const app = createClientApp({ dir: clientDir, config: () => config })
const server = serve({ fetch: app.fetch, port }, (info) => log.info(`serving ${clientDir} on :${info.port}`)) as Server
onShutdown(
  async () => {
    const closed = new Promise<void>((done) => server.close(() => done()))
    server.closeIdleConnections()
    await closed
  },
  { log },
)
