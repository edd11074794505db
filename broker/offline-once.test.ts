/**
 * A persistent session that was away gets what it missed once: the queue it reads on reconnect
 * and the live deliveries that begin as it reconnects must not both carry one message, and no
 * message may go out before the CONNACK (mqtt.js would hang). Each round publishes while the
 * printer is away and reconnects it while the queue writes and the messages' trips over the bus
 * are still under way, where the two meet.
 */

import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type DurableTestBroker, startDurableTestBroker } from '../test/durable-broker.ts'
import { collect, connectClient, testTokens, waitFor } from '../test/harness.ts'

const ROUNDS = 8
const MESSAGES = 20
const topic = 'bar/tickets'

describe.each([true, false])('replicas: %s', (replicas) => {
  let broker: DurableTestBroker
  let url = ''
  let sql: DurableTestBroker['sql']

  beforeAll(async () => {
    broker = await startDurableTestBroker({ replicas })
    ;({ url, sql } = broker)
  })
  afterAll(() => broker.close())

  test(`a session away during ${MESSAGES} messages gets each once, ${ROUNDS} times over`, async () => {
    const session = { username: 'printer', password: testTokens.printerToken, clientId: `printer-once-${replicas}` }
    const first = await connectClient(url, { ...session, clean: false })
    await first.subscribeAsync(topic, { qos: 1 })
    await first.endAsync()
    const service = await connectClient(url, { username: 'service', password: testTokens.serviceToken })
    const counts: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const sent = Array.from({ length: MESSAGES }, (_, i) => `round ${round} ticket ${i + 1}`)
      // All PUBACKed (Aedes acknowledges before it queues); the reconnect follows at once.
      await Promise.all(sent.map((payload) => service.publishAsync(topic, payload, { qos: 1 })))
      const back = mqtt.connect(url, { ...session, clean: false, reconnectPeriod: 0 })
      const inbox = collect(back)
      await waitFor(() => sent.every((payload) => inbox.received.some((m) => m.payload === payload)), 10_000)
      // Everything acknowledged is deleted: nothing is left that could still be sent.
      await waitFor(async () => {
        const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from mqtt_outgoing where client_id = ${session.clientId}`
        return row?.n === 0
      }, 10_000)
      // A last message through the same path marks the end of what this round sends.
      const marker = `round ${round} end`
      await service.publishAsync(topic, marker, { qos: 1 })
      await inbox.next((m) => m.payload === marker)
      await back.endAsync()
      counts.push(inbox.received.filter((m) => sent.includes(m.payload)).length)
    }
    await service.endAsync()
    expect(counts).toEqual(counts.map(() => MESSAGES))
  })
})
