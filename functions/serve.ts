/**
 * `npm run function -- <name>`: one function alone on PORT, as its pod runs it, with
 * `/api/healthz` and `/api/readyz`. SIGTERM stops accepting, finishes in-flight requests, exits.
 */
import type { Server } from 'node:http'
import { resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { findFunction } from '../hono.config.ts'
import { createLogger } from '../runtime/logger.ts'
import { onShutdown } from '../runtime/shutdown.ts'
import type { FunctionDeps } from './shared/app.ts'
import { readFunctionConfig } from './shared/config.ts'
import { createSql } from './shared/db.ts'
import type { FunctionModule } from './shared/function-module.ts'
import { createMqttPublisher } from './shared/publisher.ts'

const name = process.argv[2] ?? ''
try {
  const fn = findFunction(name)
  const config = readFunctionConfig()
  const log = createLogger(fn.name)
  const mod = (await import(resolve(fn.entry))) as FunctionModule
  const sql = createSql(config.databaseUrl)
  const publisher = createMqttPublisher({
    url: config.brokerUrl,
    username: 'service',
    password: config.tokens.serviceToken,
    log,
  })
  const deps: FunctionDeps = { sql, publisher, barToken: config.tokens.barToken, log }
  const app = mod.createApp(deps)
  const server = serve({ fetch: app.fetch, port: config.port }, (info) =>
    log.info(`listening on :${info.port}`),
  ) as Server
  mod.start?.(deps).catch((error: Error) => log.warn(`start hook failed: ${error.message}`))

  onShutdown(async () => {
    // close() waits for in-flight requests; idle keep-alive sockets are closed at once.
    const closed = new Promise<void>((done) => server.close(() => done()))
    server.closeIdleConnections()
    await closed
    await publisher.close()
    await sql.end({ timeout: 5 })
  })
} catch (error) {
  console.error(`Cannot start function "${name}": ${(error as Error).message}`)
  process.exit(1)
}
