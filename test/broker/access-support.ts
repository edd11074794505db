/**
 * For the access tests: the broker as deployed (access hooks on the Postgres persistence, and a
 * Postgres bus when replicas share it), on free TCP and WebSocket ports, and clients that take
 * a refusal as an answer. Not used outside tests.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Aedes } from 'aedes'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import type { Sql } from 'postgres'
import type { CloudprntVerifier } from '../../broker/access/cloudprnt.ts'
import type { AccessLimits } from '../../broker/access/rules.ts'
import { closeBroker, createBroker } from '../../broker/broker.ts'
import { createPostgresEmitter } from '../../broker/emitter/index.ts'
import { attachWebSocket, closeServer, listenTcp } from '../../broker/listeners.ts'
import { createPostgresPersistence, type PostgresPersistence } from '../../broker/persistence/index.ts'
import { mqttPath } from '../../contract/index.ts'
import { forFile } from '../for-file.ts'
import { quiet, testTokens } from '../harness.ts'
import { createTestSchema, type PoolOptions, type TestSchema } from './test-schema.ts'

export type Transport = 'tcp' | 'ws'
export const transports: Transport[] = ['tcp', 'ws']

export const credentials = {
  guest: {},
  bar: { username: 'bar', password: testTokens.barToken },
  printer: { username: 'printer', password: testTokens.printerToken },
  service: { username: 'service', password: testTokens.serviceToken },
} as const

export interface AccessBroker {
  broker: Aedes
  persistence: PostgresPersistence
  url(transport: Transport): string
  close(): Promise<void>
}

export interface AccessBrokerOptions {
  id?: string
  /** NOTIFY channels of the persistence and of the bus; replicas of one test share them. */
  channel?: string
  /** Share one bus with the other replicas on `channel`. */
  replica?: boolean
  heartbeatInterval?: number
  limits?: Partial<AccessLimits>
  /** Checks CloudPRNT printers' credentials; none may connect when omitted. */
  cloudprnt?: CloudprntVerifier
}

export function newChannel(): string {
  return `access_${randomBytes(4).toString('hex')}`
}

export async function startAccessBroker(sql: Sql, options: AccessBrokerOptions = {}): Promise<AccessBroker> {
  const channel = options.channel ?? newChannel()
  const persistence = createPostgresPersistence({ sql, channel: `${channel}_subs`, logger: quiet })
  const mq = options.replica ? createPostgresEmitter({ sql, channel: `${channel}_bus`, logger: quiet }) : undefined
  await mq?.ready
  const broker = await createBroker({
    credentials: testTokens,
    persistence,
    mq,
    id: options.id,
    heartbeatInterval: options.heartbeatInterval,
    limits: options.limits,
    ...(options.cloudprnt ? { cloudprnt: options.cloudprnt } : {}),
    log: quiet,
  })
  const tcp = await listenTcp(broker, 0, '127.0.0.1')
  const http = createServer()
  attachWebSocket(http, broker)
  await new Promise<void>((ready) => http.listen(0, '127.0.0.1', ready))
  const ports = { tcp: (tcp.address() as AddressInfo).port, ws: (http.address() as AddressInfo).port }
  return {
    broker,
    persistence,
    url: (transport) =>
      transport === 'tcp' ? `mqtt://127.0.0.1:${ports.tcp}` : `ws://127.0.0.1:${ports.ws}${mqttPath}`,
    async close() {
      await closeBroker(broker)
      await Promise.all([closeServer(http), closeServer(tcp)])
      await persistence.destroy()
    },
  }
}

export interface AccessFixtureOptions extends Omit<AccessBrokerOptions, 'id' | 'channel' | 'replica'> {
  /** Replicas on the schema, sharing one bus and one NOTIFY channel, as deployed. Default 1. */
  replicas?: number
  /** The first replica's pool, when the test watches what it sends; the others get pools of their own. */
  pool?: PoolOptions
}

export interface AccessBrokers {
  schema: TestSchema
  /** The first replica. */
  broker: AccessBroker
  replicas: AccessBroker[]
  replica(index: number): AccessBroker
  close(): Promise<void>
}

/**
 * A file's access brokers: a schema of its own in the test database and `replicas` brokers on
 * it, started before the file's tests and closed, with the schema dropped, after them. Read
 * `schema`, `broker` (the first replica) and `replica(i)` inside the tests.
 */
export function accessBrokersForFile(prefix: string, options: AccessFixtureOptions = {}): AccessBrokers {
  return forFile('the access brokers', () => startAccessBrokers(prefix, options))
}

/** A schema of its own and `replicas` brokers on it; `close` closes them and drops the schema. */
export async function startAccessBrokers(
  prefix: string,
  { replicas: count = 1, pool, ...options }: AccessFixtureOptions = {},
): Promise<AccessBrokers> {
  const schema = await createTestSchema(prefix)
  const channel = newChannel()
  const replicas: AccessBroker[] = []
  const close = async () => {
    await Promise.all(replicas.map((replica) => replica.close()))
    await schema.drop()
  }
  try {
    for (let index = 0; index < count; index++) {
      const sql = index === 0 ? (pool ? schema.pool(pool) : schema.sql) : schema.pool()
      const shared = count > 1 ? { id: `replica-${index}`, channel, replica: true } : {}
      replicas.push(await startAccessBroker(sql, { ...options, ...shared }))
    }
  } catch (error) {
    await close()
    throw error
  }
  const replica = (index: number) => {
    const found = replicas[index]
    if (!found) throw new Error(`no replica ${index} of ${count}`)
    return found
  }
  return { schema, broker: replica(0), replicas, replica, close }
}

/** A client that must be let in: a refusal fails the test with its CONNACK code. */
export async function connectAdmitted(url: string, options: IClientOptions): Promise<MqttClient> {
  const outcome = await tryConnect(url, options)
  if (!outcome.client) throw new Error(`${options.username ?? 'guest'} refused: CONNACK ${outcome.refused}`)
  return outcome.client
}

/** The outcome of a CONNECT: the client, or the CONNACK return code that refused it. */
export async function tryConnect(
  url: string,
  options: IClientOptions,
): Promise<{ client: MqttClient; refused?: undefined } | { client?: undefined; refused: number }> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options })
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve({ client }))
    client.once('error', (error) => {
      client.end(true)
      const code = (error as { code?: unknown }).code
      if (typeof code === 'number') resolve({ refused: code })
      else reject(error)
    })
  })
}

/** A client that records what it receives from the moment it connects (queued messages too). */
export async function connectRecording(url: string, options: IClientOptions) {
  const received: { topic: string; payload: string; retain: boolean }[] = []
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options })
  client.on('message', (topic, payload, packet) =>
    received.push({ topic, payload: payload.toString(), retain: packet.retain }),
  )
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('error', reject)
  })
  return { client, received }
}

/** The SUBACK return codes of one SUBSCRIBE, 0x80 included (mqtt.js rejects on a refusal). */
export async function subscribeAll(client: MqttClient, filters: string[], qos: 0 | 1 = 1): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos })).map((grant) => grant.qos)
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted
    if (!granted) throw error
    return granted
  }
}

/** Resolves when the client's connection has closed. */
export function closed(client: MqttClient): Promise<void> {
  if (!client.connected) return Promise.resolve()
  return new Promise((resolve) => client.once('close', () => resolve()))
}

/** The filters a client's session has stored. */
export async function storedFilters(sql: Sql, clientId: string): Promise<string[]> {
  const rows = await sql<{ topic: string }[]>`
    select topic from mqtt_subscriptions where client_id = ${clientId} order by topic`
  return rows.map((row) => row.topic)
}
