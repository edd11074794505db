/** What the bridge's tests share: a bridge configuration for a test broker, placing orders. */
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hono } from 'hono'
import { expect } from 'vitest'
import type { Order } from '../../contract/index.ts'
import type { BridgeConfig } from '../../printer/bridge.ts'
import { json, quiet, testTokens } from '../harness.ts'
import type { FakePrinter } from './fake-printer.ts'

export { quiet }

/** A bridge for `printer` on the broker at `brokerUrl`, with its own session and state file. */
export function testBridgeConfig(
  brokerUrl: string,
  printer: FakePrinter,
  overrides: Partial<BridgeConfig> = {},
): BridgeConfig {
  return {
    brokerUrl,
    clientId: `printer-test-${randomUUID().slice(0, 8)}`,
    password: testTokens.printerToken,
    printer: { host: '127.0.0.1', port: printer.port },
    confirm: 'write',
    settleMs: 20,
    printTimeoutMs: 2000,
    ticket: { width: 80, codepage: 'windows1252', timeZone: 'Europe/Zurich', lang: 'en' },
    statePath: join(mkdtempSync(join(tmpdir(), 'printer-')), 'printed.json'),
    backoff: { minMs: 50, maxMs: 300 },
    ...overrides,
  }
}

/** Places an order through the real place-order function; each has its own guest. */
export async function placeOrder(app: Hono, fields: Partial<Record<'nickname' | 'drinkId' | 'note', string>> = {}) {
  const body = { guestId: randomUUID(), nickname: 'Max', drinkId: 'coffee', ...fields }
  const res = await app.request('/api/orders', { method: 'POST', headers: json, body: JSON.stringify(body) })
  expect(res.status).toBe(201)
  return ((await res.json()) as { order: Order }).order
}

/** How often each value occurs. */
export function tally(values: number[]): Map<number, number> {
  const counts = new Map<number, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}
