import { type BackoffOptions, backoffDelay, topics } from '../contract/index.ts'
import type { Logger } from '../runtime/logger.ts'
import { defaultBackoff, sleep } from './backoff.ts'
import { checkBroker } from './broker-check.ts'
import { createDrinkNames } from './drink-names.ts'
import type { PrinterMetrics } from './metrics.ts'
import { readOrderEvent } from './order-event.ts'
import { openPrintedLog } from './printed-log.ts'
import { type Confirm, createPrinterLink } from './printer-link.ts'
import { type Outcome, openSession, type Session } from './session.ts'
import { renderTicket, type TicketOptions } from './ticket.ts'

export interface BridgeConfig {
  /** `mqtt://host:1883`, `mqtts://…` or `ws://…/mqtt`. */
  brokerUrl: string
  /** Fixed, so the broker recognises the session after a reconnect or a restart. */
  clientId: string
  /** Print only this station's orders (`bar/stations/<id>/orders`); unset: every order (`bar/orders`). */
  station?: string
  /** PRINTER_TOKEN; the user is always `printer`. */
  password: string
  printer: { host: string; port: number }
  confirm: Confirm
  /** See `PrinterLinkOptions.settleMs`. */
  settleMs: number
  /** Limit for reaching the printer and for each print; default 10 s. */
  printTimeoutMs?: number
  ticket: TicketOptions
  /** Base URL of the API for drink names; drink ids are printed without it. */
  apiUrl?: string
  /** The file of printed order ids. */
  statePath: string
  backoff?: BackoffOptions
  /** MQTT keepalive in seconds; default 30. */
  keepalive?: number
  /** How long to wait for the retained menu that shows the broker is ours; 0 or unset: no check. */
  brokerCheckMs?: number
}

export interface BridgeDeps {
  log: Logger
  fetch?: typeof fetch
  /** Tickets printed, retries, whether the printer answers (printer/metrics.ts). */
  metrics?: PrinterMetrics
}

export interface Bridge {
  /** Connected to the broker and subscribed. */
  connected(): boolean
  /** Finishes the ticket in hand, disconnects (the session stays at the broker), closes the printer. */
  stop(): Promise<void>
}

/**
 * Prints every order placed (`bar/orders`, event `placed`), or every order of one station
 * (`bar/stations/<id>/orders`), on a network ESC/POS printer, once.
 * A ticket is acknowledged to the broker only after the printer took it; while the printer is
 * away the bridge stays off the broker, and the tickets wait in its session queue.
 */
export function startBridge(config: BridgeConfig, { log, fetch, metrics }: BridgeDeps): Bridge {
  const backoff = config.backoff ?? defaultBackoff
  const where = `${config.printer.host}:${config.printer.port}`
  const printed = openPrintedLog(config.statePath, { log })
  const drinkName = createDrinkNames({ apiUrl: config.apiUrl, lang: config.ticket.lang, log, fetch })
  const printer = createPrinterLink({
    ...config.printer,
    confirm: config.confirm,
    settleMs: config.settleMs,
    timeoutMs: config.printTimeoutMs,
    log,
  })
  const abort = new AbortController()
  let stopping = false
  let session: Session | null = null
  let printerFailures = 0
  let stopped: Promise<void> | null = null

  const topic = config.station ? topics.stationOrders(config.station) : topics.barOrders
  log.info(
    `printing ${config.station ? `the orders of station ${config.station}` : 'every order'} to ${where} ` +
      `from ${config.brokerUrl} as ${config.clientId}; ` +
      `${printed.size} printed order ids in ${config.statePath}`,
  )

  const handle = async (topic: string, payload: Buffer): Promise<Outcome> => {
    if (stopping) return 'hold'
    const message = readOrderEvent(payload)
    if (!message) {
      // Holding it back would stop every ticket behind it.
      log.warn(`skipping a message on ${topic} that is not an order event`)
      return 'ack'
    }
    if (message.event !== 'placed') return 'ack'
    const { order } = message
    if (printed.has(order.id)) {
      log.info(`#${order.number} was printed before; acknowledging the repeated delivery`)
      return 'ack'
    }
    let bytes: Uint8Array
    try {
      bytes = renderTicket(order, await drinkName(order.drinkId), config.ticket)
    } catch (error) {
      log.error(`cannot render #${order.number} (${order.id}), skipping it: ${(error as Error).message}`)
      return 'ack'
    }
    try {
      // Recorded as soon as the bytes are on their way: a crash from here on must not print it again.
      await printer.print(bytes, () =>
        printed.add(order.id).catch((error: Error) => log.error(`cannot record #${order.number}: ${error.message}`)),
      )
    } catch (error) {
      await printed.remove(order.id).catch((e: Error) => log.error(`cannot update ${config.statePath}: ${e.message}`))
      printerFailures += 1
      metrics?.retried()
      metrics?.reachable(false)
      log.warn(`printer ${where} did not take #${order.number} (${(error as Error).message}); it waits at the broker`)
      return 'retry-later'
    }
    printerFailures = 0
    metrics?.printed()
    metrics?.reachable(true)
    log.info(`printed #${order.number}: ${order.quantity} × ${order.drinkId} for ${order.nickname}`)
    return 'ack'
  }

  const waitForPrinter = async () => {
    let delay = backoffDelay(printerFailures, backoff)
    while (!stopping) {
      await sleep(delay, abort.signal)
      if (stopping) return
      try {
        await printer.connect()
        metrics?.reachable(true)
        return
      } catch (error) {
        metrics?.reachable(false)
        printerFailures += 1
        delay = backoffDelay(printerFailures, backoff)
        log.warn(`printer ${where} unreachable (${(error as Error).message}); next try in ${seconds(delay)}`)
      }
    }
  }

  const run = async () => {
    let brokerFailures = 0
    while (!stopping) {
      session = openSession({
        url: config.brokerUrl,
        clientId: config.clientId,
        username: 'printer',
        password: config.password,
        topics: [topic],
        handle,
        log,
        keepalive: config.keepalive,
      })
      const end = await session.ended
      session = null
      if (stopping) return
      if (end.reason === 'printer') {
        log.info(`off the broker until the printer at ${where} answers`)
        await waitForPrinter()
      } else {
        brokerFailures = end.connected ? 1 : brokerFailures + 1
        const delay = backoffDelay(brokerFailures, backoff)
        log.info(`connecting to the broker again in ${seconds(delay)}`)
        await sleep(delay, abort.signal)
      }
    }
  }

  const running = run().catch((error: unknown) => log.error('the bridge stopped unexpectedly:', error))
  // Tells the operator early whether the printer answers; printing does not depend on it.
  printer.connect().then(
    () => metrics?.reachable(true),
    (error: Error) => {
      metrics?.reachable(false)
      log.warn(`printer ${where} not reachable yet: ${error.message}`)
    },
  )
  const check = config.brokerCheckMs ? checkBroker(config.brokerUrl, config.brokerCheckMs, log) : null
  const connected = () => session?.ready() ?? false
  metrics?.watchBroker(connected)

  return {
    connected,
    stop() {
      stopped ??= (async () => {
        stopping = true
        abort.abort()
        check?.cancel()
        await session?.finish()
        await running
        await printer.close()
        log.info('stopped')
      })()
      return stopped
    },
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
