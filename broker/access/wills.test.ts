import { randomBytes, randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { topics } from '../../contract/index.ts'
import {
  accessBrokersForFile,
  connectAdmitted,
  connectRecording,
  credentials,
  transports,
  tryConnect,
} from '../../test/broker/access-support.ts'
import { waitFor } from '../../test/harness.ts'
import { encodePacket } from '../persistence/packets.ts'

// Wills of a replica silent for 3 heartbeats are published by the others, looked for every 4.
const access = accessBrokersForFile('mqtt_access_wills', { heartbeatInterval: 50 })

const hex = () => randomBytes(4).toString('hex')

describe.each(transports)('over %s', (transport) => {
  const url = () => access.broker.url(transport)

  test.each(['guest', 'bar', 'printer'] as const)('a %s may not leave a will (CONNACK 5)', async (role) => {
    const clientId = `${role}-${hex()}`
    const outcome = await tryConnect(url(), {
      ...credentials[role],
      clientId,
      will: { topic: topics.barOrders, payload: Buffer.from('fake order'), qos: 1, retain: false },
    })
    outcome.client?.end(true)
    expect(outcome.refused).toBe(5)
    expect(await access.schema.sql`select 1 from mqtt_wills where client_id = ${clientId}`).toEqual([])
  })

  test('a service will is stored with its owner and published when the connection drops', async () => {
    const bar = await connectRecording(url(), credentials.bar)
    await bar.client.subscribeAsync('bar/#', { qos: 1 })
    const clientId = `service-${hex()}`
    const marker = randomUUID()
    const service = await connectAdmitted(url(), {
      ...credentials.service,
      clientId,
      will: { topic: topics.barOrders, payload: Buffer.from(marker), qos: 1, retain: false },
    })
    expect(await access.schema.sql`select owner from mqtt_wills where client_id = ${clientId}`).toEqual([
      { owner: 'service' },
    ])
    service.stream.destroy()
    await waitFor(() => bar.received.some((m) => m.payload === marker))
    service.end(true)
    await bar.client.endAsync()
  })
})

interface StoredWill {
  owner: string | null
  topic: string
  payload: string
  retain: boolean
}

/** Leaves wills as a broker that was killed does (the abstract suite of aedes-persistence does the same). */
async function leaveWills(wills: StoredWill[]): Promise<string> {
  const deadBroker = `dead-${hex()}`
  for (const [index, will] of wills.entries()) {
    const clientId = `will-${index}-${hex()}`
    const packet = {
      cmd: 'publish',
      topic: will.topic,
      payload: Buffer.from(will.payload),
      qos: 1,
      retain: will.retain,
    }
    const columns = encodePacket({ ...packet, brokerId: deadBroker, clientId })
    await access.schema.sql`
      insert into mqtt_wills (client_id, broker_id, header, payload, payload_is_text, owner)
      values (${clientId}, ${deadBroker}, ${columns.header}, ${columns.payload}, false, ${will.owner})`
  }
  return deadBroker
}

/** Leaves the wills, waits until another broker handled them all; returns what a bar and a late guest got. */
async function afterDeadBroker(wills: StoredWill[], marker: string) {
  const bar = await connectRecording(access.broker.url('tcp'), credentials.bar)
  await bar.client.subscribeAsync(['bar/#', 'public/#'], { qos: 1 })
  const deadBroker = await leaveWills(wills)
  const left = async () => (await access.schema.sql`select 1 from mqtt_wills where broker_id = ${deadBroker}`).length
  await waitFor(async () => (await left()) === 0)
  // A message published now arrives after whatever the wills brought.
  const probe = await connectAdmitted(access.broker.url('tcp'), credentials.service)
  await probe.publishAsync(topics.barOrders, `after ${marker}`, { qos: 1 })
  await waitFor(() => bar.received.some((m) => m.payload === `after ${marker}`))
  // A late reader of the retained menu.
  const late = await connectRecording(access.broker.url('ws'), {})
  await late.client.subscribeAsync(topics.publicMenu, { qos: 1 })
  await Promise.all([bar.client.endAsync(), late.client.endAsync(), probe.endAsync()])
  const mine = (received: { payload: string }[]) =>
    received.filter((m) => m.payload.endsWith(marker)).map((m) => m.payload)
  return { bar: mine(bar.received), late: mine(late.received) }
}

test("a dead broker's wills are published only as the client that left them, never as nobody", async () => {
  const marker = randomUUID()
  const got = await afterDeadBroker(
    [
      { owner: 'guest', topic: topics.barOrders, payload: `fake order ${marker}`, retain: false },
      { owner: 'guest', topic: topics.publicMenu, payload: `fake menu ${marker}`, retain: true },
      // Stored before owners were recorded.
      { owner: null, topic: topics.barTickets, payload: `fake ticket ${marker}`, retain: false },
      { owner: 'service', topic: topics.barOrders, payload: `legit ${marker}`, retain: false },
    ],
    marker,
  )
  expect(got).toEqual({ bar: [`legit ${marker}`, `after ${marker}`], late: [] })
})

test("a dead broker's will on a topic with U+0000 is dropped; the others are published", async () => {
  const marker = randomUUID()
  const got = await afterDeadBroker(
    [
      // Postgres refuses U+0000 in text: publishing it retained used to end the process.
      { owner: 'service', topic: 'public/\u0000x', payload: `poison ${marker}`, retain: true },
      { owner: 'service', topic: topics.barTickets, payload: `legit ${marker}`, retain: false },
    ],
    marker,
  )
  expect(got).toEqual({ bar: [`legit ${marker}`, `after ${marker}`], late: [] })
})
