/**
 * A function publishes an order's messages in one write, the public ticker (QoS 0) last. The bar
 * must hear of the order first: with a venue of guests on the ticker, anything else makes the bar
 * wait for the ticker's fan-out to every phone.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { topics } from '../contract/index.ts'
import { mqttBytes, rawServiceConnection } from '../test/durable-broker.ts'
import { connectClient, startTestBroker, type TestBroker, testTokens, waitFor } from '../test/harness.ts'

let broker: TestBroker
beforeAll(async () => {
  broker = await startTestBroker()
})
afterAll(() => broker.close())

test('the bar gets the order (QoS 1) before the ticker (QoS 0) published after it in the same write', async () => {
  const seen: string[] = []
  const bar = await connectClient(broker.url, { username: 'bar', password: testTokens.barToken }, (_, payload) => {
    seen.push(payload.toString())
  })
  await bar.subscribeAsync([topics.barOrders, topics.publicTicker], { qos: 1 })

  const service = await rawServiceConnection(broker.url, 'publish-order')
  for (let round = 0; round < 5; round++) {
    service.write(
      Buffer.concat([
        mqttBytes({ cmd: 'publish', topic: topics.barOrders, payload: `order ${round}`, qos: 1, messageId: round + 1 }),
        mqttBytes({ cmd: 'publish', topic: topics.publicTicker, payload: `ticker ${round}`, qos: 0 }),
      ]),
    )
  }
  await waitFor(() => seen.length === 10, 5000, 'ten messages at the bar')
  // Each order before the ticker published after it (the orders may come before earlier tickers).
  const late = Array.from({ length: 5 }, (_, round) => round).filter(
    (round) => seen.indexOf(`order ${round}`) > seen.indexOf(`ticker ${round}`),
  )
  expect(late).toEqual([])
  service.destroy()
  await bar.endAsync()
})
