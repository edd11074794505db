/**
 * `npm run printer -- --printer tcp://HOST:9100`: the bridge from the broker to a network ESC/POS
 * receipt printer. `--test` prints a sample ticket and exits; `--help` lists the options.
 */
import type { AddressInfo } from 'node:net'
import { createLogger } from '../runtime/logger.ts'
import { createMetricsRegistry, METRICS_PATH, serveMetrics } from '../runtime/metrics.ts'
import { readChosenPorts } from '../runtime/ports.ts'
import { onShutdown } from '../runtime/shutdown.ts'
import { startBridge } from './bridge.ts'
import { readConfig, readPrinterToken } from './config.ts'
import { createPrinterMetrics } from './metrics.ts'
import { createPrinterLink } from './printer-link.ts'
import { columnsOf, renderTicket, sampleOrder } from './ticket.ts'

const log = createLogger('printer')
try {
  const cli = readConfig(process.argv.slice(2), process.env, readChosenPorts())
  if (cli.help) {
    console.log(cli.usage)
  } else if (cli.test) {
    const { printer, confirm, settleMs, ticket } = cli.config
    const link = createPrinterLink({ ...printer, confirm, settleMs, log })
    const extra = [
      `Test page: ${ticket.codepage}, ${ticket.width} mm, ${columnsOf[ticket.width]} columns, ${ticket.timeZone}`,
      '€ ä ö ü Ä Ö Ü ß é è à ç ñ',
      '1234567890'.repeat(5).slice(0, columnsOf[ticket.width]),
    ]
    try {
      await link.print(renderTicket(sampleOrder(), 'Café crème', ticket, { extra }))
    } catch (error) {
      const hint = confirm === 'status' ? ' (does the printer answer DLE EOT? else use --confirm write)' : ''
      throw new Error(`the test page did not print: ${(error as Error).message}${hint}`)
    }
    await link.close()
    log.info(`printed a test page on ${printer.host}:${printer.port}`)
  } else {
    const registry = createMetricsRegistry({ process: true })
    const metrics = createPrinterMetrics(registry)
    const server = cli.metricsPort === null ? null : await serveMetrics(registry, cli.metricsPort)
    if (server) log.info(`metrics at http://localhost:${(server.address() as AddressInfo).port}${METRICS_PATH}`)
    const bridge = startBridge({ ...cli.config, password: readPrinterToken(process.env) }, { log, metrics })
    onShutdown(
      async () => {
        await bridge.stop()
        server?.close()
      },
      { log },
    )
  }
} catch (error) {
  log.error((error as Error).message)
  process.exit(1)
}
