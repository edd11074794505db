import type { AddressInfo, Server } from 'node:net'
import { afterAll, expect, test } from 'vitest'
import { createApp } from '../functions/place-order/index.ts'
import { createMetricsRegistry, serveMetrics } from '../runtime/metrics.ts'
import { builtOnFirstUse } from '../test/for-file.ts'
import { functionDepsForFile, waitFor } from '../test/harness.ts'
import { placeOrder, quiet, testBridgeConfig } from '../test/printer/bridge-setup.ts'
import { startFakePrinter } from '../test/printer/fake-printer.ts'
import { scrape, scrapeUntil } from '../test/prometheus.ts'
import { startBridge } from './bridge.ts'
import { createPrinterMetrics } from './metrics.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp(deps))
let server: Server

afterAll(() => server?.close())

test("the bridge's /metrics counts tickets printed and retried, and whether the printer answers", async () => {
  const registry = createMetricsRegistry()
  server = await serveMetrics(registry, 0, '127.0.0.1')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`
  const printer = await startFakePrinter()
  const bridge = startBridge(testBridgeConfig(deps.broker.url, printer), {
    log: quiet,
    metrics: createPrinterMetrics(registry),
  })
  await waitFor(() => bridge.connected())
  await scrapeUntil(url, 'the printer reachable and the bridge on the broker', (now) => {
    return now.value('drinks_printer_reachable') === 1 && now.value('drinks_printer_broker_connected') === 1
  })

  const first = await placeOrder(app)
  await waitFor(() => printer.numbers().includes(first.number))
  const printed = await scrapeUntil(url, 'one ticket printed', (now) => {
    return now.value('drinks_printer_tickets_printed_total') === 1
  })
  expect(printed.value('drinks_printer_retries_total')).toBe(0)

  await printer.off()
  const second = await placeOrder(app)
  const off = await scrapeUntil(url, 'the printer unreachable and the ticket retried', (now) => {
    return now.value('drinks_printer_reachable') === 0 && now.value('drinks_printer_retries_total') >= 1
  })
  expect(off.value('drinks_printer_tickets_printed_total')).toBe(1)

  await printer.on()
  await waitFor(() => printer.numbers().includes(second.number), 10_000)
  await scrapeUntil(url, 'the second ticket printed once the printer is back', (now) => {
    return now.value('drinks_printer_tickets_printed_total') === 2 && now.value('drinks_printer_reachable') === 1
  })
  await bridge.stop()
  expect((await scrape(url)).value('drinks_printer_broker_connected')).toBe(0)
  await printer.off()
})
