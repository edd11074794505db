import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'
import { createApp } from '../functions/place-order/index.ts'
import { builtOnFirstUse } from '../test/for-file.ts'
import { functionDepsForFile, testTokens, waitFor } from '../test/harness.ts'
import {
  acknowledged,
  orderIds,
  placeOrder,
  printedIds,
  quiet,
  tally,
  testBridgeConfig,
} from '../test/printer/bridge-setup.ts'
import { startFakePrinter } from '../test/printer/fake-printer.ts'
import { type StartedProcess, startProcess } from '../test/processes.ts'
import { startBridge } from './bridge.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp(deps))
let child: StartedProcess | undefined

afterAll(() => child?.signal('SIGKILL'))

const root = fileURLToPath(new URL('..', import.meta.url))

test('the bridge killed in the middle of a burst and started again: nothing lost, nothing printed twice', async () => {
  const printer = await startFakePrinter()
  const config = testBridgeConfig(deps.broker.url, printer, { settleMs: 20 })
  const done = acknowledged(deps.broker.broker, config.clientId)
  let subscribed = false
  deps.broker.broker.on('subscribe', (_subscriptions, client) => {
    if (client?.id === config.clientId) subscribed = true
  })

  // The bridge as it runs in production: `npm run printer`, a process of its own.
  child = startProcess(
    process.execPath,
    [
      '--import',
      'tsx',
      'printer/main.ts',
      ...['--printer', printer.url, '--broker', config.brokerUrl, '--client-id', config.clientId],
      ...['--state', config.statePath, '--settle-ms', '500', '--retry-max-ms', '500'],
    ],
    { cwd: root, env: { PRINTER_TOKEN: testTokens.printerToken } },
  )
  const bridgeProcess = child
  await waitFor(() => subscribed, 15_000, 'the bridge process subscribed').catch((error) => {
    throw new Error(`${error.message}; the bridge said:\n${bridgeProcess.output()}`)
  })

  const orders = await Promise.all(Array.from({ length: 20 }, (_, i) => placeOrder(app, { nickname: `Gast ${i + 1}` })))
  // Killed while a ticket sits in its settle time: printed and recorded, not yet acknowledged.
  await waitFor(() => printedIds(config.statePath).length >= 6, 15_000, 'six tickets noted as printed')
  child.signal('SIGKILL')
  await child.exited
  const beforeKill = printer.numbers()
  expect(beforeKill.length).toBeGreaterThanOrEqual(6)
  expect(beforeKill.length).toBeLessThan(orders.length)

  const lines: string[] = []
  const log = { ...quiet, info: (line: string) => lines.push(line) }
  const bridge = startBridge(config, { log })
  const numbers = orders.map((order) => order.number).sort((a, b) => a - b)
  const ids = orders.map((order) => order.id)
  await waitFor(() => ids.every((id) => orderIds(done).has(id)), 15_000, 'all 20 tickets acknowledged')
  await bridge.stop()

  expect([...tally(printer.numbers())].filter(([, count]) => count > 1)).toEqual([])
  expect(printer.numbers().sort((a, b) => a - b)).toEqual(numbers)
  // The ticket in hand at the kill came again from the broker and was recognised.
  expect(lines.filter((line) => line.includes('printed before'))).toHaveLength(1)
  await printer.off()
})
