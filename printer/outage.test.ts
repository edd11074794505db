import { afterAll, beforeAll, expect, test } from 'vitest'
import { createApp } from '../functions/place-order/index.ts'
import { startFunctionDeps, waitFor } from '../test/harness.ts'
import { placeOrder, quiet, testBridgeConfig } from '../test/printer/bridge-setup.ts'
import { startFakePrinter } from '../test/printer/fake-printer.ts'
import { startBridge } from './bridge.ts'

let deps: Awaited<ReturnType<typeof startFunctionDeps>>
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  deps = await startFunctionDeps()
  app = createApp(deps)
})
afterAll(() => deps.close())

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const drinks = ['coffee', 'tea', 'beer', 'orange-juice']

test('20 orders placed while the printer is off all print when it is back, once each', async () => {
  const printer = await startFakePrinter({ on: false })
  const bridge = startBridge(testBridgeConfig(deps.broker.url, printer), { log: quiet })
  await waitFor(() => bridge.connected())

  const orders = await Promise.all(
    Array.from({ length: 20 }, (_, i) => placeOrder(app, { nickname: `Gast ${i + 1}`, drinkId: drinks[i % 4] })),
  )
  // The bridge tries, fails to reach the printer, and leaves the tickets queued at the broker.
  await pause(1500)
  expect(printer.numbers()).toEqual([])

  await printer.on()
  const numbers = orders.map((order) => order.number).sort((a, b) => a - b)
  await waitFor(() => numbers.every((number) => printer.numbers().includes(number)), 15_000)
  await pause(500)
  expect(printer.numbers().sort((a, b) => a - b)).toEqual(numbers)
  for (const order of orders) {
    const ticket = printer.tickets().find((text) => text.includes(`#${order.number}`))
    expect(ticket).toContain(`for ${order.nickname}`)
  }

  await bridge.stop()
  await printer.off()
})
