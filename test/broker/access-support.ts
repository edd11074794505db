/**
 * For the access tests: the broker as deployed (access hooks on the Postgres persistence, and a
 * Postgres bus when replicas share it), on free TCP and WebSocket ports, and clients that take
 * a refusal as an answer. Not used outside tests.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { type AddressInfo, connect as connectTcp } from 'node:net'
import type { Aedes } from 'aedes'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import type { Sql } from 'postgres'
import { WebSocket } from 'ws'
import type { CloudprntVerifier } from '../../broker/access/cloudprnt.ts'
import type { AccessLimits } from '../../broker/access/rules.ts'
import { closeBroker, createBroker } from '../../broker/broker.ts'
import { createPostgresEmitter } from '../../broker/emitter/index.ts'
import { attachWebSocket, closeServer, listenTcp } from '../../broker/listeners.ts'
import { createPostgresPersistence, type PostgresPersistence } from '../../broker/persistence/index.ts'
import { quiet, testTokens } from '../harness.ts'

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
    url: (transport) => (transport === 'tcp' ? `mqtt://127.0.0.1:${ports.tcp}` : `ws://127.0.0.1:${ports.ws}/mqtt`),
    async close() {
      await closeBroker(broker)
      await Promise.all([closeServer(http), closeServer(tcp)])
      await persistence.destroy()
    },
  }
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

/** An MQTT string: two length bytes, then the bytes as given (ill-formed UTF-8 included). */
function mqttString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(2)
  length.writeUInt16BE(bytes.length)
  return Buffer.concat([length, bytes])
}

function packet(type: number, body: Buffer): Buffer {
  const lengthBytes: number[] = []
  let remaining = body.length
  do {
    lengthBytes.push((remaining % 128) | (remaining >= 128 ? 0x80 : 0))
    remaining = Math.floor(remaining / 128)
  } while (remaining > 0)
  return Buffer.concat([Buffer.from([type, ...lengthBytes]), body])
}

/** Packets written byte by byte, for what mqtt.js will not send. */
export const rawPackets = {
  /** MQTT 3.1.1 CONNECT, clean session, keep alive 30 s. */
  connect: (clientId: string) =>
    packet(
      0x10,
      Buffer.concat([
        mqttString(Buffer.from('MQTT')),
        Buffer.from([4, 0x02, 0, 30]),
        mqttString(Buffer.from(clientId)),
      ]),
    ),
  subscribe: (topic: Buffer) => packet(0x82, Buffer.concat([Buffer.from([0, 1]), mqttString(topic), Buffer.from([1])])),
  unsubscribe: (topic: Buffer) => packet(0xa2, Buffer.concat([Buffer.from([0, 2]), mqttString(topic)])),
}

/** A connection over TCP or WebSocket that sends raw bytes and reports what comes back. */
export async function rawConnection(url: string) {
  const { hostname, port, protocol } = new URL(url)
  const chunks: Buffer[] = []
  let onData = () => {}
  let send: (bytes: Buffer) => void
  let closedPromise: Promise<void>
  if (protocol === 'mqtt:') {
    const socket = connectTcp(Number(port), hostname)
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      onData()
    })
    socket.on('error', () => {})
    closedPromise = new Promise((resolve) => socket.once('close', () => resolve()))
    send = (bytes) => socket.write(bytes)
  } else {
    const ws = new WebSocket(url, 'mqtt')
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    ws.on('message', (data: Buffer) => {
      chunks.push(data)
      onData()
    })
    ws.on('error', () => {})
    closedPromise = new Promise((resolve) => ws.once('close', () => resolve()))
    send = (bytes) => ws.send(bytes)
  }
  return {
    send,
    closed: closedPromise,
    /** Waits until `bytes` long of replies arrived; returns them all. */
    async replies(bytes: number): Promise<Buffer> {
      while (Buffer.concat(chunks).length < bytes) await new Promise<void>((resolve) => (onData = resolve))
      return Buffer.concat(chunks)
    },
  }
}
