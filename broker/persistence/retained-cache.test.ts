/**
 * Every phone of a venue subscribing to the retained menu at once costs the broker one read of it,
 * and a guest subscribing after the menu changed, on whichever replica it was published, gets the
 * new one.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { topics } from '../../contract/index.ts'
import {
  type AccessBroker,
  connectRecording,
  credentials,
  newChannel,
  startAccessBroker,
} from '../../test/broker/access-support.ts'
import { createTestSchema, type TestSchema } from '../../test/broker/test-schema.ts'
import { waitFor } from '../../test/harness.ts'

let schema: TestSchema
/** Two replicas on one bus; every statement of the first is recorded. */
let a: AccessBroker
let b: AccessBroker
const statements: string[] = []

beforeAll(async () => {
  schema = await createTestSchema('mqtt_retained_cache')
  const channel = newChannel()
  a = await startAccessBroker(schema.pool({ debug: (_, query) => statements.push(query) }), {
    id: 'replica-a',
    channel,
    replica: true,
  })
  b = await startAccessBroker(schema.pool(), { id: 'replica-b', channel, replica: true })
})
afterAll(async () => {
  await Promise.all([a.close(), b.close()])
  await schema.drop()
})

/** A guest as the page subscribes, once it holds a retained menu; what it received. */
async function guest(url: string) {
  const { client, received } = await connectRecording(url, {})
  await client.subscribeAsync([topics.publicMenu, topics.publicTicker, topics.guestOrders(randomUUID())], { qos: 1 })
  const menus = () => received.filter((m) => m.topic === topics.publicMenu).map((m) => m.payload)
  await waitFor(() => menus().length > 0, 5_000, 'the retained menu')
  return { client, menus }
}

/**
 * Publishes a retained menu and returns once a guest of `url` got it live. Aedes sends the PUBACK
 * of a QoS 1 PUBLISH before it stores and delivers the message, so the PUBACK alone does not say
 * that a guest subscribing next will find it retained.
 */
async function publishMenu(url: string, payload: string) {
  const { client: witness, received } = await connectRecording(url, {})
  await witness.subscribeAsync(topics.publicMenu, { qos: 1 })
  const { client } = await connectRecording(url, credentials.service)
  await client.publishAsync(topics.publicMenu, payload, { qos: 1, retain: true })
  await waitFor(() => received.some((m) => m.payload === payload && !m.retain), 5_000, `${payload} delivered`)
  await Promise.all([client.endAsync(), witness.endAsync()])
}

test('30 guests connecting at once read the retained menu once, and no queue', async () => {
  await publishMenu(a.url('tcp'), 'menu 1')
  const before = statements.length
  const guests = await Promise.all(Array.from({ length: 30 }, (_, i) => guest(a.url(i % 2 ? 'ws' : 'tcp'))))
  for (const g of guests) expect(g.menus()).toEqual(['menu 1'])
  const sent = statements.slice(before)
  // The menu and the ticker read once each, not once per guest (90 reads before), each guest's
  // own topic and session owner at most once (reads made together share a statement), no queue.
  expect(sent.filter((q) => /from mqtt_retained/i.test(q)).length).toBeLessThanOrEqual(30 + 2)
  expect(sent.filter((q) => /from mqtt_sessions/i.test(q)).length).toBeLessThanOrEqual(30)
  expect(sent.filter((q) => /from mqtt_outgoing/i.test(q))).toEqual([])
  await Promise.all(guests.map((g) => g.client.endAsync()))
})

test('a menu retained on the other replica, or on this one, is what the next guest gets here', async () => {
  await publishMenu(a.url('tcp'), 'menu 1')
  const first = await guest(a.url('tcp'))
  expect(first.menus()).toEqual(['menu 1'])

  await publishMenu(b.url('tcp'), 'menu 2')
  // The change reached replica A over the bus when its guest got it live.
  await waitFor(() => first.menus().includes('menu 2'), 5_000, 'menu 2 live at replica A')
  const second = await guest(a.url('ws'))
  expect(second.menus()).toEqual(['menu 2'])

  await publishMenu(a.url('tcp'), 'menu 3')
  const third = await guest(a.url('tcp'))
  expect(third.menus()).toEqual(['menu 3'])
  await Promise.all([first, second, third].map((g) => g.client.endAsync()))
})
