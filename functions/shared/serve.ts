import { createServer, type Server } from 'node:http'
import type { Hono } from 'hono'
import { createLogger } from '../../runtime/logger.ts'
import { createMetricsRegistry, METRICS_PATH, metricsResponse, type Registry } from '../../runtime/metrics.ts'
import { observeOutbox } from '../../runtime/outbox-metrics.ts'
import { onShutdown } from '../../runtime/shutdown.ts'
import { readCloudprntOptions } from '../cloudprnt/config.ts'
import type { FunctionDeps } from './app.ts'
import { readFunctionConfig } from './config.ts'
import { createSql } from './db.ts'
import { createEarlyRefusals } from './early-refusal.ts'
import type { FunctionModule } from './function-module.ts'
import { createFunctionMetrics } from './metrics.ts'
import { honoListener, installLiteWebClasses } from './node-http.ts'
import { createMqttPublisher } from './publisher.ts'

/**
 * Runs one function as its pod does: on PORT, with `/api/healthz`, `/api/readyz` and `/metrics`. It listens
 * at once; Postgres and the broker connect in the background. SIGTERM stops accepting,
 * finishes in-flight requests, closes the pool and exits.
 */
export function serveFunction(name: string, mod: FunctionModule): void {
  installLiteWebClasses()
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
  const server = functionServer(mod.createApp(deps), deps, registry)
  server.listen(config.port, () => log.info(`listening on :${config.port}`))
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

/**
 * The HTTP server of a function's pod, not yet listening: the early refusals, then `/metrics`
 * (when a registry is given), then the app, answered through ./node-http.ts. Its caller installs
 * that module's web classes first.
 */
export function functionServer(app: Hono, deps: FunctionDeps, registry?: Registry): Server {
  const listener = honoListener(
    (request, env) =>
      // The ingress routes only the function's own paths here, so the scraper alone reaches /metrics.
      registry && env.incoming.url?.split('?', 1)[0] === METRICS_PATH
        ? metricsResponse(registry)
        : app.fetch(request as unknown as Request, env),
    (error) => deps.log.error(`a request failed outside the app: ${error.message}`),
  )
  return createServer(deps.earlyRefusals?.wrap(listener) ?? listener)
}
