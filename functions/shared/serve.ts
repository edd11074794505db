import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { createLogger } from '../../runtime/logger.ts'
import { createMetricsRegistry, METRICS_PATH, metricsResponse } from '../../runtime/metrics.ts'
import { observeOutbox } from '../../runtime/outbox-metrics.ts'
import { onShutdown } from '../../runtime/shutdown.ts'
import { readCloudprntOptions } from '../cloudprnt/config.ts'
import type { FunctionDeps } from './app.ts'
import { readFunctionConfig } from './config.ts'
import { createSql } from './db.ts'
import { createEarlyRefusals, refusingServer } from './early-refusal.ts'
import type { FunctionModule } from './function-module.ts'
import { createFunctionMetrics } from './metrics.ts'
import { createMqttPublisher } from './publisher.ts'

/**
 * Runs one function as its pod does: on PORT, with `/api/healthz`, `/api/readyz` and `/metrics`. It listens
 * at once; Postgres and the broker connect in the background. SIGTERM stops accepting,
 * finishes in-flight requests, closes the pool and exits.
 */
export function serveFunction(name: string, mod: FunctionModule): void {
  const config = readFunctionConfig()
  const log = createLogger(name)
  const sql = createSql(config.databaseUrl)
  const registry = createMetricsRegistry({ process: true })
  const metrics = createFunctionMetrics(registry)
  observeOutbox({ sql, registry })
  const publisher = metrics.countPublishes(
    createMqttPublisher({ url: config.brokerUrl, username: 'service', password: config.tokens.serviceToken, log }),
  )
  const deps: FunctionDeps = {
    sql,
    publisher,
    barToken: config.tokens.barToken,
    log,
    orderLimits: config.orderLimits,
    editLimits: config.editLimits,
    trustProxy: config.trustProxy,
    tickerNicknames: config.tickerNicknames,
    metrics,
    undoSeconds: config.undoSeconds,
    vapidPublicKey: config.vapid.publicKey,
    pushAllowLoopback: config.push.allowLoopback,
    pushHosts: config.push.hosts,
    overloadLimits: config.overloadLimits,
    orderWriter: config.orderWriter,
    cloudprnt: readCloudprntOptions(),
    maxWaiting: config.maxWaiting,
    earlyRefusals: createEarlyRefusals({ log, metrics }),
  }
  const app = mod.createApp(deps)
  // The ingress routes only the function's own paths here, so the scraper alone reaches /metrics.
  const fetch = (request: Request) =>
    new URL(request.url).pathname === METRICS_PATH ? metricsResponse(registry) : app.fetch(request)
  const server = serve({ fetch, port: config.port, createServer: refusingServer(deps) }, (info) =>
    log.info(`listening on :${info.port}`),
  ) as Server
  mod.start?.(deps).catch((error: Error) => log.warn(`start hook failed: ${error.message}`))

  onShutdown(
    async () => {
      // close() waits for in-flight requests. Idle keep-alive sockets are closed at once, and so
      // is each one that goes idle after its last response (Knative's queue-proxy keeps them open).
      const closed = new Promise<void>((done) => server.close(() => done()))
      server.closeIdleConnections()
      const sweep = setInterval(() => server.closeIdleConnections(), 50)
      await closed
      clearInterval(sweep)
      await publisher.close()
      await sql.end({ timeout: 5 })
    },
    { log },
  )
}
