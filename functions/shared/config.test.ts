import { expect, test } from 'vitest'
import { defaultOverloadLimits } from './admission.ts'
import { defaultEditLimits, defaultMaxWaiting, defaultOrderLimits, defaultUndoSeconds } from './app.ts'
import { readFunctionConfig, readFunctionSettings } from './config.ts'
import { orderWriterDefaults } from './order-writer.ts'

test('every setting of the functions is read in one place, for the pods and for npm start alike', () => {
  const env = {
    TRUST_PROXY: 'true',
    RATE_LIMIT_GUEST: '7',
    RATE_LIMIT_ADDRESS: '70',
    RATE_LIMIT_EDITS_GUEST: '3',
    RATE_LIMIT_EDITS_ADDRESS: '30',
    TICKER_NICKNAMES: 'false',
    UNDO_SECONDS: '8',
    ORDER_QUEUE_MAX: '50',
    LOOP_LAG_MAX_MS: '40',
    ORDERS_IN_FLIGHT_MAX: '16',
    OUTBOX_MAX_BACKLOG: '400',
    DB_MAX_WAITING: '40',
  }
  const settings = readFunctionSettings(env)
  expect(settings).toEqual({
    trustProxy: true,
    orderLimits: { perGuest: { limit: 7, windowMs: 60_000 }, perAddress: { limit: 70, windowMs: 60_000 } },
    editLimits: { perGuest: { limit: 3, windowMs: 60_000 }, perAddress: { limit: 30, windowMs: 60_000 } },
    tickerNicknames: false,
    undoSeconds: 8,
    overloadLimits: { ...defaultOverloadLimits, maxLoopLagMs: 40, maxOrdersInFlight: 16, maxOutboxBacklog: 400 },
    orderWriter: { maxWaiting: 50 },
    maxWaiting: 40,
  })
  expect(
    readFunctionConfig({
      ...env,
      DATABASE_URL: 'postgres://db/x',
      BAR_TOKEN: 'b',
      PRINTER_TOKEN: 'p',
      SERVICE_TOKEN: 's',
    }),
  ).toMatchObject(settings)
})

test('unset, the defaults apply and the proxy is not trusted', () => {
  expect(readFunctionSettings({})).toEqual({
    trustProxy: false,
    orderLimits: defaultOrderLimits,
    editLimits: defaultEditLimits,
    tickerNicknames: true,
    undoSeconds: defaultUndoSeconds,
    overloadLimits: defaultOverloadLimits,
    orderWriter: { maxWaiting: orderWriterDefaults.maxWaiting },
    maxWaiting: defaultMaxWaiting,
  })
})

test('a setting that cannot be read stops the start with its name', () => {
  expect(() => readFunctionSettings({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY=yes/)
  expect(() => readFunctionSettings({ RATE_LIMIT_EDITS_GUEST: '0' })).toThrow(/RATE_LIMIT_EDITS_GUEST=0/)
  expect(() => readFunctionSettings({ UNDO_SECONDS: '-1' })).toThrow(/UNDO_SECONDS=-1/)
  expect(() => readFunctionSettings({ ORDER_QUEUE_MAX: '0' })).toThrow(/ORDER_QUEUE_MAX=0/)
  expect(() => readFunctionSettings({ DB_MAX_WAITING: 'many' })).toThrow(/DB_MAX_WAITING=many/)
})

test('a standalone function needs its database and reads its ports as the other parts do', () => {
  const tokens = { BAR_TOKEN: 'b', PRINTER_TOKEN: 'p', SERVICE_TOKEN: 's' }
  expect(() => readFunctionConfig(tokens)).toThrow(/DATABASE_URL is not set/)
  const config = readFunctionConfig({ ...tokens, DATABASE_URL: 'postgres://db/x', MQTT_PORT: '1990' })
  expect(config).toMatchObject({ brokerUrl: 'mqtt://127.0.0.1:1990', port: 8080 })
  expect(() => readFunctionConfig({ ...tokens, DATABASE_URL: 'postgres://db/x', MQTT_PORT: '188300' })).toThrow(
    /MQTT_PORT=188300/,
  )
  expect(() => readFunctionSettings({ TICKER_NICKNAMES: 'no' })).toThrow(/TICKER_NICKNAMES=no/)
})
