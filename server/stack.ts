import { existsSync } from 'node:fs'
import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import { Hono } from 'hono'
import { startDurableBroker } from '../broker/durable.ts'
import { attachWebSocket, closeServer, listenTcp } from '../broker/listeners.ts'
import { createLocalPublisher } from '../broker/local-publisher.ts'
import { createBaseApp, type FunctionDeps, notFound, type OrderLimits } from '../functions/shared/app.ts'
import { createSql, migrateFunctions } from '../functions/shared/db.ts'
import type { FunctionModule } from '../functions/shared/function-module.ts'
import { functions } from '../hono.config.ts'
import { createLogger, type Logger } from '../runtime/logger.ts'
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
  /** Whether the public ticker shows nicknames. Default true. */
  tickerNicknames?: boolean
  /** Folder of the built client; not served when missing. */
  clientDir?: string
  log?: Logger
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
  const { tokens, log = console } = options
  const sql = createSql(options.databaseUrl)
  await migrateFunctions(sql)

  // One broker in this process: its state in Postgres, no bus to share with replicas.
  const durable = await startDurableBroker({
    sql,
    credentials: tokens,
    log: createLogger('broker', log),
    replicas: false,
  })
  const { broker } = durable
  const tcp = await listenTcp(broker, options.mqttPort)
  const mqttPort = (tcp.address() as AddressInfo).port

  // The broker is in this process: messages are handed to it, not sent through a loopback socket.
  const publisher = createLocalPublisher(broker)
  const deps: FunctionDeps = {
    sql,
    publisher,
    barToken: tokens.barToken,
    log: createLogger('functions', log),
    ...(options.orderLimits ? { orderLimits: options.orderLimits } : {}),
    tickerNicknames: options.tickerNicknames ?? true,
  }

  // Requests reach each function by the routes of hono.config.ts, as the ingress routes them.
  const app = new Hono()
  const modules: FunctionModule[] = []
  for (const fn of functions) {
    const mod = (await import(resolve(fn.entry))) as FunctionModule
    modules.push(mod)
    const fnApp = mod.createApp(deps)
    for (const route of fn.routes) app.on(route.method, route.path, (c) => fnApp.fetch(c.req.raw, c.env))
  }
  app.route('/', createBaseApp(deps))
  app.notFound(notFound)

  const clientConfig = options.clientConfig ?? readClientConfig({})
  const clientDir = options.clientDir
  if (clientDir && existsSync(clientDir)) {
    const clientApp = createClientApp({ dir: clientDir, config: () => clientConfig })
    app.all('/*', (c) => clientApp.fetch(c.req.raw))
  }

  const server = await new Promise<ServerType>((ready) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: '0.0.0.0' }, () => ready(s))
  })
  const port = (server.address() as AddressInfo).port
  attachWebSocket(server as HttpServer, broker)

  for (const mod of modules) {
    mod.start?.(deps).catch((error: Error) => log.warn(`start hook failed: ${error.message}`))
  }

  return {
    httpUrl: `http://localhost:${port}`,
    mqttUrl: `mqtt://localhost:${mqttPort}`,
    wsUrl: `ws://localhost:${port}/mqtt`,
    publicUrl: clientConfig.publicUrl || `http://localhost:${port}`,
    async stop() {
      // Stop taking connections, then let the broker disconnect its clients and hand their
      // state to Postgres, then wait for the listeners to empty.
      const closed = Promise.all([closeServer(server as HttpServer), closeServer(tcp)])
      await publisher.close()
      await durable.close()
      await closed
      await sql.end({ timeout: 5 })
    },
  }
}
