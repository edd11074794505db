import { expect, test } from 'vitest'
import { defaultBrokerPool, readBrokerConfig } from './config.ts'

test('the bounds an operator sets are read from the environment, the rest keep their defaults', () => {
  expect(readBrokerConfig({})).toEqual({ guard: { trustProxy: false }, pool: defaultBrokerPool })
  expect(
    readBrokerConfig({
      MQTT_MAX_CONNECTIONS: '3000',
      MQTT_MAX_QUEUED: '500',
      MQTT_DELIVERIES_PER_TURN: '100',
      BROKER_DB_POOL_MAX: '8',
    }),
  ).toEqual({
    guard: { trustProxy: false, maxConnections: 3000 },
    pool: { ...defaultBrokerPool, max: 8 },
    maxQueued: 500,
    maxDeliveriesPerTurn: 100,
  })
})

test('a bound that is not a positive whole number stops the start, naming the variable', () => {
  expect(() => readBrokerConfig({ MQTT_DELIVERIES_PER_TURN: '0' })).toThrow(
    'MQTT_DELIVERIES_PER_TURN must be a positive integer, not "0"',
  )
  expect(() => readBrokerConfig({ MQTT_MAX_QUEUED: 'lots' })).toThrow('MQTT_MAX_QUEUED must be a positive integer')
})
