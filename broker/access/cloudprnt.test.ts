/**
 * The CloudPRNT printer identity on every path a message takes: a printer reads only its own
 * `star/cloudprnt/to-device/<mac>/…` (live, from its queue, retained, after its session resumed)
 * and writes only its own `star/cloudprnt/to-server/<mac>/…` (its will too).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { canonicalMac, cloudprntUsername, topics } from '../../contract/index.ts'
import { migrate } from '../../db/migrate.ts'
import { functionMigrations } from '../../functions/shared/db.ts'
import { hashPassword } from '../../runtime/password-hash.ts'
import {
  type AccessBroker,
  connectRecording,
  credentials,
  startAccessBroker,
  subscribeAll,
  transports,
  tryConnect,
} from '../../test/broker/access-support.ts'
import { createTestSchema, type TestSchema } from '../../test/broker/test-schema.ts'
import { waitFor } from '../../test/harness.ts'
import { postgresCloudprntVerifier } from './cloudprnt.ts'

let schema: TestSchema
let broker: AccessBroker

beforeAll(async () => {
  schema = await createTestSchema('mqtt_access_cloudprnt')
  await migrate(schema.sql, functionMigrations)
  broker = await startAccessBroker(schema.sql, { cloudprnt: postgresCloudprntVerifier(schema.sql) })
})
afterAll(async () => {
  await broker.close()
  await schema.drop()
})

interface Printer {
  mac: string
  username: string
  password: string
}

/** A printer as registration leaves it: its row with the password hashed. */
async function registered(): Promise<Printer> {
  const mac = canonicalMac(randomBytes(6).toString('hex')) as string
  const username = cloudprntUsername(mac)
  const password = randomBytes(12).toString('base64url')
  await schema.sql`
    insert into cloudprnt_printers (mac, station, name, username, password_hash)
    values (${mac}, 'all', ${mac}, ${username}, ${await hashPassword(password)})`
  return { mac, username, password }
}

const login = (printer: Printer, extra: object = {}) => ({
  username: printer.username,
  password: printer.password,
  clientId: printer.username,
  clean: false,
  ...extra,
})
const own = (printer: Printer) => `star/cloudprnt/to-device/${printer.mac}/#`

describe.each(transports)('over %s', (transport) => {
  const url = () => broker.url(transport)
  let one: Printer
  let other: Printer
  beforeAll(async () => {
    one = await registered()
    other = await registered()
  })

  test('only its own credentials, with its user name as client id, let a printer in', async () => {
    expect((await tryConnect(url(), login(one, { password: 'guess' }))).refused).toBe(4)
    const unknown = cloudprntUsername(canonicalMac(randomBytes(6).toString('hex')) as string)
    expect((await tryConnect(url(), { username: unknown, password: 'x', clientId: unknown })).refused).toBe(4)
    expect((await tryConnect(url(), login(one, { clientId: other.username }))).refused).toBe(2)
    expect((await tryConnect(url(), login(one, { clientId: `x-${randomUUID()}` }))).refused).toBe(2)
  })

  test("live: its own jobs reach it; another printer's filters, wildcards and the bar's topics are refused", async () => {
    const printer = await connectRecording(url(), login(one, { clean: true }))
    expect(
      await subscribeAll(printer.client, [
        own(one),
        own(other),
        'star/cloudprnt/to-device/+/#',
        'star/cloudprnt/#',
        '#',
        topics.barOrders,
      ]),
    ).toEqual([1, 0x80, 0x80, 0x80, 0x80, 0x80])
    const service = await connectRecording(url(), credentials.service)
    const mine = randomUUID()
    const theirs = randomUUID()
    await service.client.publishAsync(topics.cloudprntToDevice(other.mac, 'print-job'), theirs, { qos: 1 })
    await service.client.publishAsync(topics.cloudprntToDevice(one.mac, 'print-job'), mine, { qos: 1 })
    await waitFor(() => printer.received.some((m) => m.payload === mine))
    expect(printer.received.map((m) => m.payload)).toEqual([mine])
    await Promise.all([printer.client.endAsync(), service.client.endAsync()])
  })

  test("it publishes under its own to-server topics only; another's closes its connection, undelivered", async () => {
    const server = await connectRecording(url(), credentials.service)
    await server.client.subscribeAsync('star/cloudprnt/to-server/#', { qos: 1 })
    const printer = await connectRecording(url(), login(one, { clean: true }))
    const status = randomUUID()
    await printer.client.publishAsync(topics.cloudprntToServer(one.mac, 'client-status'), status, { qos: 1 })
    await waitFor(() => server.received.some((m) => m.payload === status))

    const forged = randomUUID()
    const closed = new Promise<void>((resolve) => printer.client.once('close', () => resolve()))
    printer.client.publish(topics.cloudprntToServer(other.mac, 'print-result'), forged, { qos: 1 })
    await closed
    const marker = randomUUID()
    await server.client.publishAsync(topics.cloudprntToServer(one.mac, 'marker'), marker, { qos: 1 })
    await waitFor(() => server.received.some((m) => m.payload === marker))
    expect(server.received.some((m) => m.payload === forged)).toBe(false)
    printer.client.end(true)
    await server.client.endAsync()
  })

  test('its will is taken on its own to-server topic only, and published when it drops away', async () => {
    for (const topic of [topics.cloudprntToServer(other.mac, 'client-will'), topics.barOrders]) {
      const will = { topic, payload: Buffer.from('gone'), qos: 1 as const, retain: false }
      expect((await tryConnect(url(), login(one, { will }))).refused).toBe(5)
    }
    const server = await connectRecording(url(), credentials.service)
    await server.client.subscribeAsync('star/cloudprnt/to-server/#', { qos: 1 })
    const marker = randomUUID()
    const will = {
      topic: topics.cloudprntToServer(one.mac, 'client-will'),
      payload: Buffer.from(marker),
      qos: 1 as const,
    }
    const printer = await tryConnect(url(), login(one, { will: { ...will, retain: false } }))
    if (!printer.client) throw new Error(`refused ${printer.refused}`)
    expect(await schema.sql`select owner from mqtt_wills where client_id = ${one.username}`).toEqual([
      { owner: 'cloudprnt' },
    ])
    printer.client.stream.destroy()
    await waitFor(() => server.received.some((m) => m.payload === marker && m.topic === will.topic))
    printer.client.end(true)
    await server.client.endAsync()
  })

  test('queued while away, and after its session resumed: its own jobs only', async () => {
    const first = await connectRecording(url(), login(one))
    await first.client.subscribeAsync(own(one), { qos: 1 })
    await first.client.endAsync()

    const service = await connectRecording(url(), credentials.service)
    const mine = [randomUUID(), randomUUID()]
    const theirs = randomUUID()
    await service.client.publishAsync(topics.cloudprntToDevice(one.mac, 'print-job'), mine[0] as string, { qos: 1 })
    await service.client.publishAsync(topics.cloudprntToDevice(other.mac, 'print-job'), theirs, { qos: 1 })
    await service.client.publishAsync(topics.cloudprntToDevice(one.mac, 'print-job'), mine[1] as string, { qos: 1 })

    // Back without subscribing again: the session it left holds its filter and its queue.
    const back = await connectRecording(url(), login(one))
    await waitFor(() => mine.every((id) => back.received.some((m) => m.payload === id)))
    const live = randomUUID()
    await service.client.publishAsync(topics.cloudprntToDevice(one.mac, 'request-client-status'), live, { qos: 1 })
    await waitFor(() => back.received.some((m) => m.payload === live))
    expect(back.received.map((m) => m.payload)).toEqual([...mine, live])
    await Promise.all([back.client.endAsync(), service.client.endAsync()])
  })

  test("retained messages: its own come, another printer's never", async () => {
    const service = await connectRecording(url(), credentials.service)
    const mine = randomUUID()
    const theirs = randomUUID()
    await service.client.publishAsync(topics.cloudprntToDevice(one.mac, `r-${transport}`), mine, {
      qos: 1,
      retain: true,
    })
    await service.client.publishAsync(topics.cloudprntToDevice(other.mac, `r-${transport}`), theirs, {
      qos: 1,
      retain: true,
    })
    const printer = await connectRecording(url(), login(one, { clean: true }))
    expect(await subscribeAll(printer.client, [own(one), own(other), 'star/cloudprnt/to-device/+/+'])).toEqual([
      1, 0x80, 0x80,
    ])
    await waitFor(() => printer.received.some((m) => m.payload === mine && m.retain))
    expect(printer.received.some((m) => m.payload === theirs)).toBe(false)
    await Promise.all([printer.client.endAsync(), service.client.endAsync()])
  })
})
