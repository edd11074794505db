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

const star = (overrides: Partial<NonNullable<BarStatus['cloudprnt']>[number]> = {}) => ({
  mac: '00:11:62:00:00:01',
  name: 'Counter',
  station: 'coffee',
  online: true,
  statusCode: '200 OK',
  failure: null,
  ...overrides,
})

test('a CloudPRNT printer that prints needs nothing; away, out of paper, cover open or a failed job is told', () => {
  expect(barNotices(status({ cloudprnt: [star()] }))).toEqual([])
  const notice = (trouble: string, code: string) => ({
    kind: 'cloudprnt',
    trouble,
    mac: '00:11:62:00:00:01',
    name: 'Counter',
    code,
  })
  expect(barNotices(status({ cloudprnt: [star({ online: false })] }))).toEqual([notice('offline', '')])
  expect(barNotices(status({ cloudprnt: [star({ statusCode: '410 Out of paper' })] }))).toEqual([
    notice('paper', '410 Out of paper'),
  ])
  expect(barNotices(status({ cloudprnt: [star({ statusCode: '420 Cover open' })] }))).toEqual([
    notice('cover', '420 Cover open'),
  ])
  expect(barNotices(status({ cloudprnt: [star({ statusCode: '520 Timeout' })] }))).toEqual([
    notice('error', '520 Timeout'),
  ])
  const failure = { jobToken: 'a0e5c3f0-0000-4000-8000-000000000000', statusCode: '511 Media decoding error' }
  expect(barNotices(status({ cloudprnt: [star({ failure })] }))).toEqual([
    { ...notice('jobFailed', '511 Media decoding error'), jobToken: failure.jobToken },
  ])
})

test("a station's display tells of its own printers and those for every station, not another station's", () => {
  const cloudprnt = [
    star({ mac: 'a', station: 'coffee', online: false }),
    star({ mac: 'b', station: 'cocktails', online: false }),
    star({ mac: 'c', station: 'all', online: false }),
  ]
  const macs = (station?: string) =>
    barNotices(status({ cloudprnt }), station).map((n) => (n.kind === 'cloudprnt' ? n.mac : ''))
  expect(macs('coffee')).toEqual(['a', 'c'])
  expect(macs()).toEqual(['a', 'b', 'c'])
})
