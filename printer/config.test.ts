import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadTokens } from '../runtime/secrets.ts'
import { parsePrinterAddress, readConfig, readPrinterToken } from './config.ts'

const bridgeConfig = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const cli = readConfig(argv, env, null)
  if (cli.help) throw new Error('expected a configuration')
  return cli.config
}

describe('readConfig', () => {
  test('defaults around the one required option', () => {
    expect(bridgeConfig(['--printer', 'tcp://192.168.1.50:9100'], { PRINTER_TZ: 'Europe/Zurich' })).toEqual({
      brokerUrl: 'mqtt://127.0.0.1:1883',
      brokerCheckMs: 5000,
      clientId: 'printer-192-168-1-50-9100',
      printer: { host: '192.168.1.50', port: 9100 },
      confirm: 'write',
      settleMs: 200,
      ticket: { width: 80, codepage: 'windows1252', lang: 'en', timeZone: 'Europe/Zurich' },
      statePath: resolve('.data/printer-printer-192-168-1-50-9100.json'),
      backoff: { baseMs: 500, maxMs: 5_000 },
    })
  })

  test("--station: that station's orders, in a session of its own", () => {
    const config = bridgeConfig(['--printer', '192.168.1.50', '--station', 'coffee'])
    expect(config).toMatchObject({ station: 'coffee', clientId: 'printer-coffee-192-168-1-50-9100' })
    expect(bridgeConfig(['--printer', 'p'], { PRINTER_STATION: 'bar' }).station).toBe('bar')
    expect(() => bridgeConfig(['--printer', 'p', '--station', 'Coffee Bar'])).toThrow(/--station.*station id/)
  })

  test('the broker: MQTT_PORT as for the functions, else the port npm start chose here, else 1883', () => {
    const started = { port: 8081, mqttPort: 1884 }
    const brokerOf = (env: NodeJS.ProcessEnv, argv: string[] = []) => {
      const cli = readConfig(['--printer', 'p', ...argv], env, started)
      return cli.help ? null : cli.config.brokerUrl
    }
    expect(brokerOf({})).toBe('mqtt://127.0.0.1:1884')
    expect(brokerOf({ MQTT_PORT: '1990' })).toBe('mqtt://127.0.0.1:1990')
    expect(brokerOf({ BROKER_URL: 'mqtt://bar-pi:1883' })).toBe('mqtt://bar-pi:1883')
    expect(brokerOf({ BROKER_URL: 'mqtt://bar-pi:1883' }, ['--broker', 'mqtt://other:1883'])).toBe('mqtt://other:1883')
  })

  test('flags win over variables', () => {
    const config = bridgeConfig(
      ['--printer', 'bar-printer', '--width', '58', '--lang', 'de', '--api', 'http://h:8080'],
      {
        PRINTER_URL: 'ignored:9100',
        PRINTER_WIDTH: '80',
        PRINTER_CODEPAGE: 'cp858',
        BROKER_URL: 'mqtts://broker.example:8883',
        PRINTER_CLIENT_ID: 'bar-left',
      },
    )
    expect(config).toMatchObject({
      brokerUrl: 'mqtts://broker.example:8883',
      clientId: 'bar-left',
      printer: { host: 'bar-printer', port: 9100 },
      apiUrl: 'http://h:8080',
      ticket: { width: 58, codepage: 'cp858', lang: 'de' },
      statePath: resolve('.data/printer-bar-left.json'),
    })
  })

  test('fails clearly on what is missing or wrong', () => {
    expect(() => readConfig([], {}, null)).toThrow(/--printer tcp:\/\/HOST:9100/)
    expect(() => readConfig(['--printer', 'p', '--width', '76'], {}, null)).toThrow(/--width must be one of 58, 80/)
    expect(() => readConfig(['--printer', 'p', '--codepage', 'utf8'], {}, null)).toThrow(/--codepage/)
    expect(() => readConfig(['--printer', 'p', '--tz', 'Mars/Olympus'], {}, null)).toThrow(/not a time zone/)
    expect(() => readConfig(['--printer', 'p', '--printr', 'x'], {}, null)).toThrow(/printr/)
    expect(() => readConfig(['--printer', 'http://p'], {}, null)).toThrow(/only tcp/)
  })

  test('a wrong setting from the environment is named as the variable, as in every part', () => {
    const withEnv = (env: NodeJS.ProcessEnv) => () => readConfig(['--printer', 'p'], env, null)
    expect(withEnv({ PRINTER_WIDTH: '76' })).toThrow('PRINTER_WIDTH must be one of 58, 80, not 76')
    expect(withEnv({ PRINTER_SETTLE_MS: 'soon' })).toThrow('PRINTER_SETTLE_MS=soon is not a whole number')
    expect(withEnv({ MQTT_PORT: 'eighteen' })).toThrow('MQTT_PORT=eighteen is not a whole number from 0 to 65535')
  })

  test('--help lists every option with its variable', () => {
    const cli = readConfig(['--help'], {}, null)
    expect(cli.help && cli.usage).toMatch(/--printer\s+PRINTER_URL/)
    expect(cli.help && cli.usage).toMatch(/--codepage\s+PRINTER_CODEPAGE/)
  })
})

test('printer addresses: URL, host and port, host alone, IPv6', () => {
  expect(parsePrinterAddress('tcp://10.0.0.7:9101')).toEqual({ host: '10.0.0.7', port: 9101 })
  expect(parsePrinterAddress('10.0.0.7:9101')).toEqual({ host: '10.0.0.7', port: 9101 })
  expect(parsePrinterAddress('printer.local')).toEqual({ host: 'printer.local', port: 9100 })
  expect(parsePrinterAddress('tcp://[fd00::7]:9100')).toEqual({ host: 'fd00::7', port: 9100 })
})

test('the token comes from PRINTER_TOKEN, and is required in production', () => {
  expect(readPrinterToken({ PRINTER_TOKEN: 'secret' })).toBe('secret')
  expect(() => readPrinterToken({ NODE_ENV: 'production' })).toThrow(/PRINTER_TOKEN/)
})

test('locally the token is the one npm start keeps, and none is made up when there is none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'printer-token-'))
  try {
    const file = join(dir, 'tokens.json')
    expect(() => readPrinterToken({}, file)).toThrow(/set PRINTER_TOKEN, or run from the folder of npm start/)
    expect(existsSync(file)).toBe(false)
    const kept = loadTokens({}, file)
    expect(readPrinterToken({}, file)).toBe(kept.printerToken)
  } finally {
    rmSync(dir, { recursive: true })
  }
})
