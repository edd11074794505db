import { expect, test } from 'vitest'
import type { BarStatus } from '../../../contract/index.ts'
import { barNotices, OUTBOX_NOTICE_SECONDS } from './bar-status.ts'

const status = (overrides: Partial<BarStatus> = {}): BarStatus => ({
  printers: [],
  outbox: { messages: 0, oldestSeconds: 0 },
  at: '2026-11-30T21:00:00.000Z',
  ...overrides,
})

test('nothing to tell before a status arrives, or when printers are online and nothing waits', () => {
  expect(barNotices(null)).toEqual([])
  expect(barNotices(status({ printers: [{ clientId: 'printer-bar', online: true, queued: 0 }] }))).toEqual([])
})

test('each printer away is told, with the tickets waiting for it', () => {
  const printers = [
    { clientId: 'printer-bar', online: false, queued: 3 },
    { clientId: 'printer-kitchen', online: true, queued: 0 },
  ]
  expect(barNotices(status({ printers }))).toEqual([{ kind: 'printerOffline', clientId: 'printer-bar', queued: 3 }])
})

test('orders waiting before the broker are told only once they are late', () => {
  const young = { messages: 4, oldestSeconds: OUTBOX_NOTICE_SECONDS - 1 }
  expect(barNotices(status({ outbox: young }))).toEqual([])
  const late = { messages: 4, oldestSeconds: 42 }
  expect(barNotices(status({ outbox: late }))).toEqual([{ kind: 'ordersWaiting', messages: 4, seconds: 42 }])
})
