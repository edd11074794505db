import { existsSync } from 'node:fs'
import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import { Hono } from 'hono'
import { type BrokerConfig, readBrokerConfig } from '../broker/config.ts'
import { createBrokerSql, startDurableBroker } from '../broker/durable.ts'
import { ConnectionGuard } from '../broker/guard.ts'
import { attachWebSocket, closeServer, listenTcp } from '../broker/listeners.ts'
import { createLocalPublisher } from '../broker/local-publisher.ts'
import { mqttPath } from '../contract/index.ts'
import { readCloudprntOptions } from '../functions/cloudprnt/config.ts'
import type { OverloadLimits } from '../functions/shared/admission.ts'
import { createBaseApp, type FunctionDeps, notFound, type OrderLimits } from '../functions/shared/app.ts'
import { createSql, migrateFunctions } from '../functions/shared/db.ts'
import { createEarlyRefusals, refusingServer } from '../functions/shared/early-refusal.ts'
import { nameFirstEvent } from '../functions/shared/events.ts'
import type { FunctionModule } from '../functions/shared/function-module.ts'
import { createFunctionMetrics } from '../functions/shared/metrics.ts'
import type { OrderWriterOptions } from '../functions/shared/order-writer.ts'
import { functions } from '../hono.config.ts'
import { createLogger, type Logger, turnConsole } from '../runtime/logger.ts'
import { createMetricsRegistry, METRICS_PATH, metricsResponse, type Registry } from '../runtime/metrics.ts'
import { defaultPushOptions, type PushOptions } from '../runtime/push/options.ts'
import { createPushSender } from '../runtime/push/sender.ts'
import type { VapidKeys } from '../runtime/push/vapid.ts'
import type { Tokens } from '../runtime/secrets.ts'
import { type ClientConfig, createClientApp, readClientConfig } from './client-app.ts'

export interface StackOptions {
  databaseUrl: string
  /** HTTP port (0: any). */
  port: number
  /** MQTT TCP port (0: any). */
  mqttPort: number
  tokens: Tokens
  /** What the page is told in `/config.json`; the defaults of `readClientConfig` when omitted. */
  clientConfig?: ClientConfig
  /** Rate limits on placing orders; the functions' defaults when omitted. */
  orderLimits?: OrderLimits
  /** Rate limits on guests' edits; the functions' defaults when omitted. */
  editLimits?: OrderLimits
  /** Whether X-Forwarded-For comes from our own ingress (`TRUST_PROXY`). Default false. */
  trustProxy?: boolean
  /** Whether the public ticker shows nicknames. Default true. */
  tickerNicknames?: boolean
  /** When new orders are refused with 503 `overloaded`; the functions' defaults when omitted. */
  overloadLimits?: OverloadLimits
  /** The order writer's bounds (its queue: `ORDER_QUEUE_MAX`); the defaults when omitted. */
  orderWriter?: OrderWriterOptions
  /** Requests waiting for a database connection beyond the pool's `max` (`DB_MAX_WAITING`); the functions' default when omitted. */
  maxWaiting?: number
  /** Folder of the built client; not served when missing. */
  clientDir?: string
  /** The broker's pool and bounds; read from the environment (`readBrokerConfig`) when omitted. */
  broker?: BrokerConfig
  log?: Logger
  /** Where every part of the process counts, served at `/metrics`; a registry of its own when omitted. */
  metrics?: Registry
  /** The Web Push keys; push is off (no key served, pushes only queued) when omitted. */
  vapid?: VapidKeys
  /** Bounds of sending pushes; `defaultPushOptions` for what is omitted. */
  push?: Partial<PushOptions>
}

export interface Stack {
  httpUrl: string
  mqttUrl: string
  wsUrl: string
  publicUrl: string
  stop(): Promise<void>
}

/** Everything in one process: the broker, every function of hono.config.ts, the client. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { tokens, log = turnConsole, metrics = createMetricsRegistry() } = options
  const functionMetrics = createFunctionMetrics(metrics)
  const sql = createSql(options.databaseUrl)
  await migrateFunctions(sql)
  const clientConfig = options.clientConfig ?? readClientConfig({})
  await nameFirstEvent(sql, clientConfig.eventName)

  // One broker in this process: its state in Postgres, no bus to share with replicas. Its own
  // pool, so that no flood of MQTT work can take the connections orders need.
  const { guard: guardOptions, pool, ...brokerBounds } = options.broker ?? readBrokerConfig()
  const brokerSql = createBrokerSql(options.databaseUrl, pool)
  const brokerLog = createLogger('broker', log)
  const pushOptions = { ...defaultPushOptions, ...options.push }
  const { vapid } = options
  const durable = await startDurableBroker({
    ...(vapid
      ? { push: createPushSender({ sql: brokerSql, vapid, log: brokerLog, options: pushOptions, metrics }) }
      : {}),
    sql: brokerSql,
    credentials: tokens,
    log: brokerLog,
    replicas: false,
    ...brokerBounds,
    metrics,
  })
  const { broker } = durable
  const guard = new ConnectionGuard(guardOptions, brokerLog)
  const tcp = await listenTcp(broker, options.mqttPort, undefined, guard)
  const mqttPort = (tcp.address() as AddressInfo).port

  // The broker is in this process: messages are handed to it, not sent through a loopback socket.
  const publisher = createLocalPublisher(broker)
  const functionLog = createLogger('functions', log)
  const deps: FunctionDeps = {
    sql,
    publisher: functionMetrics.countPublishes(publisher),
    barToken: tokens.barToken,
    log: functionLog,
    ...(options.orderLimits ? { orderLimits: options.orderLimits } : {}),
    ...(options.editLimits ? { editLimits: options.editLimits } : {}),
    trustProxy: options.trustProxy ?? false,
    tickerNicknames: options.tickerNicknames ?? true,
    ...(options.overloadLimits ? { overloadLimits: options.overloadLimits } : {}),
    ...(options.orderWriter ? { orderWriter: options.orderWriter } : {}),
    ...(options.maxWaiting !== undefined ? { maxWaiting: options.maxWaiting } : {}),
    metrics: functionMetrics,
    earlyRefusals: createEarlyRefusals({ log: functionLog, metrics: functionMetrics }),
    // The bar display and the function that enforces it share one undo time.
    undoSeconds: clientConfig.undoSeconds,
    ...(vapid
      ? {
          vapidPublicKey: vapid.publicKey,
          pushAllowLoopback: pushOptions.allowLoopback,
          pushHosts: pushOptions.hosts,
        }
      : {}),
    // Star printers reach the broker of this process on its TCP port, unless told otherwise.
    cloudprnt: {
      ...readCloudprntOptions(process.env, mqttPort),
      ...(clientConfig.publicUrl ? { publicUrl: clientConfig.publicUrl } : {}),
    },
  }

  // Requests reach each function by the routes of hono.config.ts, as the ingress routes them.
  const app = new Hono()
  // One endpoint for the whole process: the broker's metrics and the functions'.
  app.get(METRICS_PATH, () => metricsResponse(metrics))
  const modules: FunctionModule[] = []
  for (const fn of functions) {
    const mod = (await import(resolve(fn.entry))) as FunctionModule
    modules.push(mod)
    const fnApp = mod.createApp(deps)
    for (const route of fn.routes) app.on(route.method, route.path, (c) => fnApp.fetch(c.req.raw, c.env))
  }
  app.route('/', createBaseApp(deps))
  app.notFound(notFound)

  const clientDir = options.clientDir
  if (clientDir && existsSync(clientDir)) {
    const clientApp = createClientApp({ dir: clientDir, config: () => clientConfig })
    app.all('/*', (c) => clientApp.fetch(c.req.raw))
  }

  const server = await new Promise<ServerType>((ready) => {
    const s = serve(
      { fetch: app.fetch, port: options.port, hostname: '0.0.0.0', createServer: refusingServer(deps) },
      () => ready(s),
    )
  })
  const port = (server.address() as AddressInfo).port
  attachWebSocket(server as HttpServer, broker, mqttPath, guard)

  for (const mod of modules) {
    mod.start?.(deps).catch((error: Error) => log.warn(`start hook failed: ${error.message}`))
  }

  return {
    httpUrl: `http://localhost:${port}`,
    mqttUrl: `mqtt://localhost:${mqttPort}`,
    wsUrl: `ws://localhost:${port}${mqttPath}`,
    publicUrl: clientConfig.publicUrl || `http://localhost:${port}`,
    async stop() {
      // Stop taking connections, then let the broker disconnect its clients and hand their
      // state to Postgres, then wait for the listeners to empty.
      const closed = Promise.all([closeServer(server as HttpServer), closeServer(tcp)])
      await publisher.close()
      await durable.close()
      await closed
      await Promise.all([sql.end({ timeout: 5 }), brokerSql.end({ timeout: 5 })])
    },
  }
}
