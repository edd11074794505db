/**
 * A function deletes an order's outbox row when the broker acknowledges its message (PUBACK):
 * from then on the broker alone holds it. So the PUBACK must come after the message is where it
 * survives the broker: in the queue of a printer that is away. Acknowledged earlier, a broker
 * killed in between loses the ticket, and nothing would send it again.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  type DurableTestBroker,
  mqttBytes,
  rawServiceConnection,
  startDurableTestBroker,
} from '../test/durable-broker.ts'
import { connectClient, testTokens, waitFor } from '../test/harness.ts'

let broker: DurableTestBroker
let url = ''
let sql: DurableTestBroker['sql']

beforeAll(async () => {
  broker = await startDurableTestBroker({ replicas: false })
  ;({ url, sql } = broker)
})
afterAll(() => broker.close())

/** A printer's persistent session on `topic`, then away. */
async function printerAway(clientId: string, topic: string) {
  const printer = await connectClient(url, {
    username: 'printer',
    password: testTokens.printerToken,
    clientId,
    clean: false,
  })
  await printer.subscribeAsync(topic, { qos: 1 })
  await printer.endAsync()
}

test('at each PUBACK the message is already in the queue of the printer that is away', async () => {
  const topic = 'bar/tickets'
  const clientId = 'printer-away-at-puback'
  await printerAway(clientId, topic)

  const service = await connectClient(url, { username: 'service', password: testTokens.serviceToken })
  const queuedAtPuback: number[] = []
  for (let ticket = 1; ticket <= 10; ticket++) {
    await service.publishAsync(topic, `ticket ${ticket}`, { qos: 1 })
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from mqtt_outgoing where client_id = ${clientId}`
    queuedAtPuback.push(row?.n ?? 0)
  }
  await service.endAsync()
  expect(queuedAtPuback).toEqual(Array.from({ length: 10 }, (_, i) => i + 1))
})

test('a client on a topic with a session away and on a QoS 0 topic gets both, whatever order they are emitted in', async () => {
  // The printer away makes each ticket wait for its queue write before it is emitted; the ticker
  // (QoS 0) published right after it is emitted at once, so it reaches the bar first.
  const clientId = 'printer-away-for-order'
  await printerAway(clientId, 'bar/tickets')
  const seen: string[] = []
  const bar = await connectClient(url, { username: 'bar', password: testTokens.barToken }, (_, payload) => {
    seen.push(payload.toString())
  })
  await bar.subscribeAsync(['bar/tickets', 'public/ticker'], { qos: 1 })

  const service = await rawServiceConnection(url, 'emit-order')
  const sent: string[] = []
  for (let round = 0; round < 5; round++) {
    sent.push(`ticket ${round}`, `ticker ${round}`)
    service.write(
      Buffer.concat([
        mqttBytes({ cmd: 'publish', topic: 'bar/tickets', payload: `ticket ${round}`, qos: 1, messageId: round + 1 }),
        mqttBytes({ cmd: 'publish', topic: 'public/ticker', payload: `ticker ${round}`, qos: 0 }),
      ]),
    )
  }
  // A last ticket through the slow path marks the end of what was sent.
  service.write(mqttBytes({ cmd: 'publish', topic: 'bar/tickets', payload: 'end', qos: 1, messageId: 100 }))
  await waitFor(() => seen.includes('end'), 5000, 'the last ticket at the bar')
  expect(sent.filter((payload) => !seen.includes(payload))).toEqual([])
  service.destroy()
  await bar.endAsync()
})

test("a printer's PUBACK deletes its queued ticket, read back only for the broker's 'ack' listeners", async () => {
  const topic = 'bar/tickets'
  const clientId = 'printer-acknowledging'
  await printerAway(clientId, topic)
  const service = await connectClient(url, { username: 'service', password: testTokens.serviceToken })
  const aedes = broker.durable.broker
  const heard: string[] = []
  const listener = (packet: { cmd: string; topic?: string; payload?: unknown } | undefined) => {
    if (packet?.cmd === 'publish' && packet.topic === topic) heard.push(String(packet.payload))
  }
  const queued = async () =>
    (await sql<{ n: number }[]>`select count(*)::int as n from mqtt_outgoing where client_id = ${clientId}`)[0]?.n

  // No listener, as in production: the tickets are deleted all the same.
  await service.publishAsync(topic, 'unheard', { qos: 1 })
  const got: string[] = []
  let printer = await connectClient(
    url,
    { username: 'printer', password: testTokens.printerToken, clientId, clean: false },
    (_, payload) => got.push(payload.toString()),
  )
  await waitFor(async () => got.includes('unheard') && (await queued()) === 0)
  await printer.endAsync()

  aedes.on('ack', listener)
  try {
    await service.publishAsync(topic, 'heard', { qos: 1 })
    printer = await connectClient(
      url,
      { username: 'printer', password: testTokens.printerToken, clientId, clean: false },
      (_, payload) => got.push(payload.toString()),
    )
    await waitFor(async () => heard.includes('heard') && (await queued()) === 0)
    await printer.endAsync()
  } finally {
    aedes.off('ack', listener)
  }
  await service.endAsync()
  expect(got).toEqual(['unheard', 'heard'])
  expect(heard).toEqual(['heard'])
})
