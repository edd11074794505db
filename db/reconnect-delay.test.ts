import { expect, test } from 'vitest'
import { reconnectDelaySeconds } from './reconnect-delay.ts'

const highest = () => 1

test('a pool waits at most 1 s between attempts, however long Postgres has been away', () => {
  for (const retries of [10, 11, 50, 1000]) expect(reconnectDelaySeconds(retries, highest)).toBe(1)
})

test('the first attempts come quickly: from 50 ms, doubling, with full jitter', () => {
  expect([0, 1, 2, 3, 4].map((retries) => reconnectDelaySeconds(retries, highest))).toEqual([0.05, 0.1, 0.2, 0.4, 0.8])
  expect(reconnectDelaySeconds(3, () => 0)).toBe(0)
  expect(reconnectDelaySeconds(3, () => 0.5)).toBe(0.2)
})
