import { expect, test } from 'vitest'
import { createApp } from '../functions/place-order/index.ts'
import { builtOnFirstUse } from '../test/for-file.ts'
import { functionDepsForFile, waitFor } from '../test/harness.ts'
import {
  acknowledged,
  orderIds,
  placeOrder,
  printedIds,
  published,
  quiet,
  testBridgeConfig,
} from '../test/printer/bridge-setup.ts'
import { startFakePrinter } from '../test/printer/fake-printer.ts'
import { startBridge } from './bridge.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp(deps))

const drinks = ['coffee', 'tea', 'beer', 'orange-juice']

test('20 orders placed while the printer is off all print when it is back, once each', async () => {
  const printer = await startFakePrinter({ on: false })
  const config = testBridgeConfig(deps.broker.url, printer)
  const warnings: string[] = []
  const bridge = startBridge(config, { log: { ...quiet, warn: (line: string) => warnings.push(line) } })
  await waitFor(() => bridge.connected(), 5000, 'the bridge on the broker')
  const queued = published(deps.broker.broker)
  const done = acknowledged(deps.broker.broker, config.clientId)

  const orders = await Promise.all(
    Array.from({ length: 20 }, (_, i) => placeOrder(app, { nickname: `Gast ${i + 1}`, drinkId: drinks[i % 4] })),
  )
  // The bridge tries, fails to reach the printer, and leaves the tickets queued at the broker.
  const ids = orders.map((order) => order.id)
  await waitFor(() => ids.every((id) => orderIds(queued).has(id)), 5000, 'the 20 orders at the broker')
  await waitFor(() => warnings.some((line) => /unreachable|did not take/.test(line)), 5000, 'a failed print')
  expect(printer.numbers()).toEqual([])
  expect(orderIds(done).size).toBe(0)

  await printer.on()
  const numbers = orders.map((order) => order.number).sort((a, b) => a - b)
  await waitFor(() => ids.every((id) => orderIds(done).has(id)), 15_000, 'the 20 tickets acknowledged')
  expect(printedIds(config.statePath).sort()).toEqual([...ids].sort())
  expect(printer.numbers().sort((a, b) => a - b)).toEqual(numbers)
  for (const order of orders) {
    const ticket = printer.tickets().find((text) => text.includes(`#${order.number}`))
    expect(ticket).toContain(`for ${order.nickname}`)
  }

  await bridge.stop()
  await printer.off()
})
