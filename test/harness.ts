/**
 * Real parts for tests: a broker on a free port, function dependencies on the test database,
 * MQTT clients. Test infrastructure sees every part; the parts never import it.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import type { WebSocketServer } from 'ws'
import { type BrokerOptions, closeBroker, createBroker } from '../broker/broker.ts'
import { attachWebSocket, closeServer, listenTcp } from '../broker/listeners.ts'
import { mqttPath, type Publisher } from '../contract/index.ts'
import { defaultOverloadLimits, type OverloadLimits } from '../functions/shared/admission.ts'
import type { FunctionDeps } from '../functions/shared/app.ts'
import { migrateFunctions } from '../functions/shared/db.ts'
import { createMqttPublisher, type MqttPublisherOptions } from '../functions/shared/publisher.ts'
import { createLogger } from '../runtime/logger.ts'
import type { Tokens } from '../runtime/secrets.ts'
import { testSql } from './db.ts'
import { forFile } from './for-file.ts'
import { captureLog } from './log-capture.ts'
import { waitFor } from './wait.ts'

export { waitFor }

export const testTokens: Tokens = {
  barToken: 'bar-secret',
  printerToken: 'printer-secret',
  serviceToken: 'service-secret',
}

/** The test tokens as a process of ours reads them from its environment. */
export const testTokenEnv = {
  BAR_TOKEN: testTokens.barToken,
  PRINTER_TOKEN: testTokens.printerToken,
  SERVICE_TOKEN: testTokens.serviceToken,
}

/**
 * A logger for tests: only errors are shown. Every line is kept, as JSON, for the scan at the end
 * of the suite that no token and no note reached a log.
 */
export const quiet = createLogger(
  'test',
  {
    info: captureLog,
    warn: captureLog,
    error: (line: string) => {
      captureLog(line)
      console.error(line)
    },
  },
  'json',
)

/** A logger for tests that provoke errors on purpose: nothing is shown. */
export const silent = { info: () => {}, warn: () => {}, error: () => {} }

/** The functions' MQTT publisher with the service's test credentials. */
export function servicePublisher(url: string, options: Partial<MqttPublisherOptions> = {}): Publisher {
  return createMqttPublisher({ url, username: 'service', password: testTokens.serviceToken, log: quiet, ...options })
}

export interface TestBroker {
  broker: Aedes
  /** MQTT over TCP. */
  url: string
  /** MQTT over WebSocket. */
  wsUrl: string
  /** The WebSocket server behind `wsUrl`: its clients, as the broker sees them. */
  wss: WebSocketServer
  close(): Promise<void>
}

/**
 * A real Aedes broker with the project's access rules, on free TCP and WebSocket ports; `mq`
 * replaces its emitter (a local TurnBoundedEmitter by default).
 */
export async function startTestBroker({ mq }: Pick<BrokerOptions, 'mq'> = {}): Promise<TestBroker> {
  const broker = await createBroker({ credentials: testTokens, log: quiet, ...(mq ? { mq } : {}) })
  const tcp = await listenTcp(broker, 0, '127.0.0.1')
  const http = createServer()
  const wss = attachWebSocket(http, broker)
  await new Promise<void>((ready) => http.listen(0, '127.0.0.1', ready))
  return {
    broker,
    wss,
    url: `mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}`,
    wsUrl: `ws://127.0.0.1:${(http.address() as AddressInfo).port}${mqttPath}`,
    async close() {
      // The broker first: it disconnects its clients, so the listeners have nothing left to wait for.
      await closeBroker(broker)
      await closeServer(http)
      await closeServer(tcp)
    },
  }
}

/**
 * The functions' overload limits in tests (stacks, function dependencies): their defaults, but
 * the event loop's lag out of reach. A full run keeps both cores busy, and a stack's loop then
 * runs late often enough to refuse an order a test expects to be placed; that refusal has its
 * own tests (functions/place-order/overload.test.ts), and a suite may still pass its own limits.
 */
export const testOverloadLimits: OverloadLimits = { ...defaultOverloadLimits, maxLoopLagMs: 60_000 }

/** Function dependencies on the test database, publishing to a real broker. */
export async function startFunctionDeps(): Promise<FunctionDeps & { broker: TestBroker; close(): Promise<void> }> {
  const sql = testSql()
  await migrateFunctions(sql)
  const broker = await startTestBroker()
  const publisher = servicePublisher(broker.url)
  await waitFor(() => publisher.connected())
  return {
    sql,
    publisher,
    barToken: testTokens.barToken,
    log: quiet,
    overloadLimits: testOverloadLimits,
    broker,
    async close() {
      await publisher.close()
      await broker.close()
      await sql.end({ timeout: 5 })
    },
  }
}

/** {@link startFunctionDeps} for the whole file (see {@link forFile}). */
export function functionDepsForFile() {
  return forFile('the function dependencies', startFunctionDeps)
}

/**
 * Connects an MQTT client and waits for CONNACK; rejects with the broker's refusal or the
 * connection's error. `onMessage` is attached before CONNACK, so that no message the broker
 * sends right after it (a persistent session's queue) slips by.
 */
export async function connectClient(
  url: string,
  options: mqtt.IClientOptions = {},
  onMessage?: (topic: string, payload: Buffer) => void,
): Promise<MqttClient> {
  // A CONNACK can take seconds on a machine running the whole suite: the broker reads the session's owner first.
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 15_000, ...options })
  if (onMessage) client.on('message', onMessage)
  try {
    await new Promise<void>((resolve, reject) => {
      const closed = () => reject(new Error(`the connection to ${url} closed before CONNACK`))
      client.once('error', reject)
      client.once('close', closed)
      client.once('connect', () => {
        client.off('error', reject)
        client.off('close', closed)
        resolve()
      })
    })
  } catch (error) {
    client.end(true)
    throw error
  }
  return client
}

/** Collects the messages a client receives, parsed as JSON when they are JSON. */
export function collect(client: MqttClient) {
  const received: { topic: string; payload: string }[] = []
  client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }))
  return {
    received,
    /** Waits until a message matching `match` arrived. */
    async next(match: (m: { topic: string; payload: string }) => boolean, timeoutMs = 5000) {
      await waitFor(() => received.some(match), timeoutMs)
      return received.find(match) as { topic: string; payload: string }
    },
  }
}

export const barAuth = { authorization: `Bearer ${testTokens.barToken}` }
export const json = { 'content-type': 'application/json' }

/** Subscribes and returns the granted QoS, 0x80 included (mqtt.js rejects on a refusal). */
export async function grantedQos(client: MqttClient, filter: string, qos: 0 | 1 | 2 = 1): Promise<number | undefined> {
  try {
    return (await client.subscribeAsync(filter, { qos }))[0]?.qos
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted
    if (!granted) throw error
    return granted[0]
  }
}
