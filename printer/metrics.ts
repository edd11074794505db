import type { Registry } from '../runtime/metrics.ts'
import { Counter, Gauge } from '../runtime/prom.ts'

/** What the bridge reports to Prometheus (served by `--metrics-port`). */
export interface PrinterMetrics {
  printed(): void
  /** A ticket the printer did not take: it waits at the broker and is tried again. */
  retried(): void
  /** Whether the printer answered the latest attempt to reach it or print on it. */
  reachable(up: boolean): void
  /** Read at each scrape: whether the bridge is connected to the broker and subscribed. */
  watchBroker(connected: () => boolean): void
}

export function createPrinterMetrics(registry: Registry): PrinterMetrics {
  const registers = [registry]
  const printed = new Counter({
    name: 'drinks_printer_tickets_printed_total',
    help: 'Tickets the printer took',
    registers,
  })
  const retries = new Counter({
    name: 'drinks_printer_retries_total',
    help: 'Tickets the printer did not take, left at the broker to be printed on a later attempt',
    registers,
  })
  const reachable = new Gauge({
    name: 'drinks_printer_reachable',
    help: 'Whether the printer answered the latest attempt to reach it (1) or not (0)',
    registers,
  })
  let brokerConnected = () => false
  new Gauge({
    name: 'drinks_printer_broker_connected',
    help: 'Whether the bridge is connected to the broker and subscribed (1) or not (0)',
    registers,
    collect() {
      this.set(brokerConnected() ? 1 : 0)
    },
  })
  return {
    printed: () => printed.inc(),
    retried: () => retries.inc(),
    reachable: (up) => reachable.set(up ? 1 : 0),
    watchBroker(connected) {
      brokerConnected = connected
    },
  }
}
