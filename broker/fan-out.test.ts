/**
 * The public ticker to a room of guests, over WebSocket and TCP: each guest gets each message
 * once and intact, also with overlapping filters, also while other guests come and go.
 */
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { topics } from '../contract/index.ts'
import { connectClient, startTestBroker, type TestBroker, testTokens, waitFor } from '../test/harness.ts'
import { TurnBoundedEmitter } from './emitter/turns.ts'

const brokers: Record<string, TestBroker> = {}
beforeAll(async () => {
  brokers.default = await startTestBroker()
  // 31 guests in slices of 4: a message goes out over 8 turns, and the next waits behind it.
  brokers.sliced = await startTestBroker({ mq: new TurnBoundedEmitter({ maxDeliveriesPerTurn: 4 }) })
})
afterAll(() => Promise.all(Object.values(brokers).map((broker) => broker.close())))

test.each([['default'], ['sliced']])(
  'every guest gets each ticker message once, with the bytes published (%s emitter)',
  async (name) => {
    const broker = brokers[name] as TestBroker
    const received = new Map<number, string[]>()
    const guests: MqttClient[] = []
    for (let i = 0; i < 30; i++) {
      received.set(i, [])
      const url = i % 2 ? broker.wsUrl : broker.url
      const guest = await connectClient(url, {}, (_topic, payload) => received.get(i)?.push(payload.toString()))
      // A third of them through two filters that both match: still one copy each.
      await guest.subscribeAsync(i % 3 === 0 ? [topics.publicTicker, 'public/+'] : [topics.publicTicker], { qos: 0 })
      guests.push(guest)
    }
    const leaving = await connectClient(broker.wsUrl)
    await leaving.subscribeAsync(topics.publicTicker, { qos: 0 })

    const service = await connectClient(broker.url, { username: 'service', password: testTokens.serviceToken })
    const messages = Array.from({ length: 20 }, (_, n) =>
      JSON.stringify({ nickname: `Zoë ${n}`, drinkId: 'coffee', at: new Date().toISOString() }),
    )
    for (const [n, message] of messages.entries()) {
      await service.publishAsync(topics.publicTicker, message, { qos: 0 })
      if (n === 5) leaving.end(true)
    }
    // A last message: a guest gets one publisher's messages in order, so a second copy of any
    // earlier one would have come before it.
    const last = 'last'
    await service.publishAsync(topics.publicTicker, last, { qos: 0 })
    await waitFor(
      () => [...received.values()].every((got) => got.includes(last)),
      10_000,
      'every guest got the last message',
    )
    for (const got of received.values()) expect(got).toEqual([...messages, last])

    await service.endAsync()
    await Promise.all(guests.map((guest) => guest.endAsync()))
  },
)
