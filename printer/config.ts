import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import * as v from 'valibot'
import { locales, StationIdSchema } from '../contract/index.ts'
import { createConfigReader } from '../runtime/config.ts'
import { type ChosenPorts, defaultPorts, localBrokerUrl } from '../runtime/ports.ts'
import { readStoredTokens } from '../runtime/secrets.ts'
import { defaultBackoff } from './backoff.ts'
import type { BridgeConfig } from './bridge.ts'
import { codepages } from './codepages.ts'
import type { Confirm } from './printer-link.ts'
import { paperWidths } from './ticket.ts'

/** Each option: its flag, the variable that sets it too, its default, and a line of help. */
const options = {
  printer: { env: 'PRINTER_URL', help: 'the printer, tcp://HOST:9100 (required)' },
  broker: {
    env: 'BROKER_URL',
    help: 'the MQTT broker (default: mqtt://127.0.0.1:MQTT_PORT, else the port of npm start in this folder, else 1883)',
  },
  station: {
    env: 'PRINTER_STATION',
    help: "print only this station's orders, e.g. coffee (default: every order)",
  },
  'client-id': {
    env: 'PRINTER_CLIENT_ID',
    help: 'MQTT client id (default: printer-HOST-PORT, with a station printer-STATION-HOST-PORT)',
  },
  api: { env: 'API_URL', help: 'base URL of the API, for drink names (default: none, drink ids are printed)' },
  width: { env: 'PRINTER_WIDTH', default: 80, help: 'paper width in mm: 58 (32 columns) or 80 (48 columns)' },
  codepage: { env: 'PRINTER_CODEPAGE', default: 'windows1252', help: `code page: ${codepages.join(' or ')}` },
  lang: { env: 'PRINTER_LANG', default: 'en', help: `language of the ticket: ${locales.join(', ')}` },
  tz: { env: 'PRINTER_TZ', help: 'time zone of the times printed (default: the system zone)' },
  state: { env: 'PRINTER_STATE', help: 'file of printed order ids (default: .data/printer-CLIENT_ID.json)' },
  confirm: { env: 'PRINTER_CONFIRM', default: 'write', help: 'when a ticket counts as printed: write or status' },
  'settle-ms': { env: 'PRINTER_SETTLE_MS', default: 200, help: 'ms the connection must stay up after a ticket' },
  'retry-max-ms': {
    env: 'PRINTER_RETRY_MAX_MS',
    default: defaultBackoff.maxMs,
    help: 'longest wait between reconnects',
  },
  'check-ms': {
    env: 'PRINTER_CHECK_MS',
    default: 5000,
    help: 'ms to wait for the retained menu that shows the broker is ours; 0: no check',
  },
  'metrics-port': {
    env: 'PRINTER_METRICS_PORT',
    help: 'serve Prometheus metrics at /metrics on this port (default: none)',
  },
} as const satisfies Record<string, { env: string; default?: string | number; help: string }>

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
  // A flag wins over its variable; errors name what was given (`--width` or `PRINTER_WIDTH`).
  const isOption = (name: string): name is Name => Object.hasOwn(options, name)
  const read = createConfigReader((name) => (isOption(name) ? (values[name] ?? env[options[name].env]) : env[name]), {
    label: (name) => (isOption(name) ? (values[name] !== undefined ? `--${name}` : options[name].env) : name),
  })
  const ms = (name: 'settle-ms' | 'retry-max-ms' | 'check-ms') => read.whole(name, options[name].default)

  const printerUrl = read.text('printer', undefined)
  if (!printerUrl)
    throw new Error('which printer? Pass --printer tcp://HOST:9100 or set PRINTER_URL (--help lists all)')
  const printer = parsePrinterAddress(printerUrl)
  const station = read.parse(
    'station',
    undefined,
    (text) => (v.is(StationIdSchema, text) ? text : undefined),
    'a station id (lowercase letters, digits and dashes)',
  )
  // The station is part of the default id: a session keeps its subscriptions, so a printer moved
  // to another station (or to all) must not come back as the session of the old one.
  const clientId =
    read.text('client-id', undefined) ??
    `printer-${station ? `${station}-` : ''}${printer.host}-${printer.port}`.replace(/[^A-Za-z0-9_-]+/g, '-')
  const timeZone = read.parse(
    'tz',
    Intl.DateTimeFormat().resolvedOptions().timeZone,
    (text) => (isTimeZone(text) ? text : undefined),
    'a time zone (e.g. Europe/Zurich)',
  )
  const apiUrl = read.parse('api', undefined, (text) => (URL.canParse(text) ? text : undefined), 'a URL')
  const ticket = {
    width: read.oneOf('width', paperWidths, options.width.default),
    codepage: read.oneOf('codepage', codepages, options.codepage.default),
    lang: read.oneOf('lang', locales, options.lang.default),
    timeZone,
  }
  const confirm = read.oneOf('confirm', ['write', 'status'] as const satisfies Confirm[], options.confirm.default)
  const metricsPort = read.parse(
    'metrics-port',
    null,
    (text) => (/^\d{1,5}$/.test(text) && Number(text) <= 65535 ? Number(text) : undefined),
    'a port number',
  )
  const brokerUrl =
    read.text('broker', undefined) ?? localBrokerUrl(read.port('MQTT_PORT', started?.mqttPort ?? defaultPorts.mqtt))

  return {
    help: false,
    test: values.test === true,
    metricsPort,
    config: {
      brokerUrl,
      brokerCheckMs: ms('check-ms'),
      clientId,
      ...(station ? { station } : {}),
      printer,
      confirm,
      settleMs: ms('settle-ms'),
      ticket,
      ...(apiUrl ? { apiUrl } : {}),
      statePath: resolve(read.text('state', `.data/printer-${clientId}.json`)),
      backoff: { baseMs: 500, maxMs: Math.max(500, ms('retry-max-ms')) },
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

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone })
    return true
  } catch {
    return false
  }
}

function usage(): string {
  const lines = Object.entries(options).map(([name, option]) => {
    const fallback = 'default' in option ? ` (default: ${option.default})` : ''
    return `  --${name.padEnd(13)} ${option.env.padEnd(21)} ${option.help}${fallback}`
  })
  return [
    "Prints every placed order (or one station's) on a network ESC/POS receipt printer.",
    '',
    'npm run printer -- --printer tcp://HOST:9100 [options]',
    '',
    '  option          variable              meaning',
    ...lines,
    '  --test                                prints a sample ticket and exits',
    '  PRINTER_TOKEN is the MQTT password of the user printer (locally: .data/tokens.json).',
  ].join('\n')
}
