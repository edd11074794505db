import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type Locale, locales } from '../contract/index.ts'
import type { ChosenPorts } from '../runtime/ports.ts'
import { readStoredTokens } from '../runtime/secrets.ts'
import type { BridgeConfig } from './bridge.ts'
import { codepages, type PrinterCodepage } from './codepages.ts'
import type { Confirm } from './printer-link.ts'
import { type PaperWidth, paperWidths } from './ticket.ts'

/** Each option: its flag, the variable that sets it too, its default, and a line of help. */
const options = {
  printer: { env: 'PRINTER_URL', help: 'the printer, tcp://HOST:9100 (required)' },
  broker: {
    env: 'BROKER_URL',
    help: 'the MQTT broker (default: mqtt://127.0.0.1:MQTT_PORT, else the port of npm start in this folder, else 1883)',
  },
  'client-id': { env: 'PRINTER_CLIENT_ID', help: 'MQTT client id (default: printer-HOST-PORT)' },
  api: { env: 'API_URL', help: 'base URL of the API, for drink names (default: none, drink ids are printed)' },
  width: { env: 'PRINTER_WIDTH', default: '80', help: 'paper width in mm: 58 (32 columns) or 80 (48 columns)' },
  codepage: { env: 'PRINTER_CODEPAGE', default: 'windows1252', help: `code page: ${codepages.join(' or ')}` },
  lang: { env: 'PRINTER_LANG', default: 'en', help: `language of the ticket: ${locales.join(', ')}` },
  tz: { env: 'PRINTER_TZ', help: 'time zone of the times printed (default: the system zone)' },
  state: { env: 'PRINTER_STATE', help: 'file of printed order ids (default: .data/printer-CLIENT_ID.json)' },
  confirm: { env: 'PRINTER_CONFIRM', default: 'write', help: 'when a ticket counts as printed: write or status' },
  'settle-ms': { env: 'PRINTER_SETTLE_MS', default: '200', help: 'ms the connection must stay up after a ticket' },
  'retry-max-ms': { env: 'PRINTER_RETRY_MAX_MS', default: '30000', help: 'longest wait between reconnects' },
  'check-ms': {
    env: 'PRINTER_CHECK_MS',
    default: '5000',
    help: 'ms to wait for the retained menu that shows the broker is ours; 0: no check',
  },
  'metrics-port': {
    env: 'PRINTER_METRICS_PORT',
    help: 'serve Prometheus metrics at /metrics on this port (default: none)',
  },
} as const satisfies Record<string, { env: string; default?: string; help: string }>

type Name = keyof typeof options

export type Cli =
  | { help: true; usage: string }
  | { help: false; test: boolean; config: Omit<BridgeConfig, 'password'>; metricsPort: number | null }

/**
 * The bridge's configuration from the command line, then the environment, then defaults. The
 * broker's default port is `MQTT_PORT`, else the one `npm start` chose in this folder (`started`).
 */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv, started: ChosenPorts | null): Cli {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...(Object.fromEntries(Object.keys(options).map((name) => [name, { type: 'string' }])) as Record<
        Name,
        { type: 'string' }
      >),
      test: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) return { help: true, usage: usage() }
  const get = (name: Name): string | undefined => {
    const option: { env: string; default?: string } = options[name]
    const value = values[name] ?? env[option.env]
    return value === undefined || value === '' ? option.default : String(value)
  }

  const printerUrl = get('printer')
  if (!printerUrl)
    throw new Error('which printer? Pass --printer tcp://HOST:9100 or set PRINTER_URL (--help lists all)')
  const printer = parsePrinterAddress(printerUrl)
  const clientId = get('client-id') ?? `printer-${printer.host}-${printer.port}`.replace(/[^A-Za-z0-9_-]+/g, '-')
  const width = Number(get('width')) as PaperWidth
  const codepage = get('codepage') as PrinterCodepage
  const lang = get('lang') as Locale
  const confirm = get('confirm') as Confirm
  const timeZone = get('tz') ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  const apiUrl = get('api')
  oneOf('--width', width, paperWidths)
  oneOf('--codepage', codepage, codepages)
  oneOf('--lang', lang, locales)
  oneOf('--confirm', confirm, ['write', 'status'])
  checkTimeZone(timeZone)
  if (apiUrl && !URL.canParse(apiUrl)) throw new Error(`--api ${apiUrl} is not a URL`)
  const metricsPort = get('metrics-port')
  if (metricsPort !== undefined && !/^\d{1,5}$/.test(metricsPort)) {
    throw new Error(`--metrics-port ${metricsPort} is not a port number`)
  }

  return {
    help: false,
    test: values.test === true,
    metricsPort: metricsPort === undefined ? null : Number(metricsPort),
    config: {
      brokerUrl: get('broker') ?? `mqtt://127.0.0.1:${env.MQTT_PORT || started?.mqttPort || 1883}`,
      brokerCheckMs: whole('--check-ms', get('check-ms')),
      clientId,
      printer,
      confirm,
      settleMs: whole('--settle-ms', get('settle-ms')),
      ticket: { width, codepage, lang, timeZone },
      ...(apiUrl ? { apiUrl } : {}),
      statePath: resolve(get('state') ?? `.data/printer-${clientId}.json`),
      backoff: { minMs: 500, maxMs: Math.max(500, whole('--retry-max-ms', get('retry-max-ms'))) },
    },
  }
}

/**
 * PRINTER_TOKEN; on a developer's machine, when unset, the one `npm start` keeps in
 * `.data/tokens.json`. Never made up here: a new token would only be refused by the broker.
 */
export function readPrinterToken(env: NodeJS.ProcessEnv, file?: string): string {
  if (env.PRINTER_TOKEN) return env.PRINTER_TOKEN
  if (env.NODE_ENV === 'production') throw new Error('PRINTER_TOKEN is not set')
  const stored = readStoredTokens(file).printerToken
  if (!stored)
    throw new Error(
      'no printer token: set PRINTER_TOKEN, or run from the folder of npm start (it keeps .data/tokens.json)',
    )
  return stored
}

/** `tcp://host:9100`, `host:9100` or `host` (port 9100). */
export function parsePrinterAddress(value: string): { host: string; port: number } {
  const url = new URL(value.includes('://') ? value : `tcp://${value}`)
  if (url.protocol !== 'tcp:') throw new Error(`--printer ${value}: only tcp://HOST:PORT is supported`)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!host) throw new Error(`--printer ${value} has no host`)
  return { host, port: url.port ? Number(url.port) : 9100 }
}

function oneOf<T>(flag: string, value: T, allowed: readonly T[]) {
  if (!allowed.includes(value)) throw new Error(`${flag} must be one of ${allowed.join(', ')}, not ${String(value)}`)
}

function whole(flag: string, value: string | undefined): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) throw new Error(`${flag} ${value} is not a whole number of ms`)
  return number
}

function checkTimeZone(timeZone: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone })
  } catch {
    throw new Error(`--tz ${timeZone} is not a time zone (e.g. Europe/Zurich)`)
  }
}

function usage(): string {
  const lines = Object.entries(options).map(([name, option]) => {
    const fallback = 'default' in option ? ` (default: ${option.default})` : ''
    return `  --${name.padEnd(13)} ${option.env.padEnd(21)} ${option.help}${fallback}`
  })
  return [
    'Prints every placed order on a network ESC/POS receipt printer.',
    '',
    'npm run printer -- --printer tcp://HOST:9100 [options]',
    '',
    '  option          variable              meaning',
    ...lines,
    '  --test                                prints a sample ticket and exits',
    '  PRINTER_TOKEN is the MQTT password of the user printer (locally: .data/tokens.json).',
  ].join('\n')
}
