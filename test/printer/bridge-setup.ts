/** What the bridge's tests share: a bridge configuration for a test broker, placing orders. */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Aedes } from 'aedes'
import type { Hono } from 'hono'
import { expect } from 'vitest'
import { api, type Order, topics } from '../../contract/index.ts'
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
    backoff: { baseMs: 50, maxMs: 300 },
    ...overrides,
  }
}

/** Places an order through the real place-order function; each has its own guest. */
export async function placeOrder(app: Hono, fields: Partial<Record<'nickname' | 'drinkId' | 'note', string>> = {}) {
  const body = { guestId: randomUUID(), nickname: 'Max', drinkId: 'coffee', ...fields }
  const res = await app.request(api.orders, { method: 'POST', headers: json, body: JSON.stringify(body) })
  expect(res.status).toBe(201)
  return ((await res.json()) as { order: Order }).order
}

/** How often each value occurs. */
export function tally(values: number[]): Map<number, number> {
  const counts = new Map<number, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

/** The ids of the orders the bridge noted as printed in its state file. */
export function printedIds(path: string): string[] {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).printed : []
}

/**
 * The payloads on `topic` that the client `clientId` acknowledged to the broker, from now on.
 * The bridge acknowledges a message only once it is done with it (printed and noted, or skipped),
 * and the broker delivers an acknowledged message no more: the moment a test may count tickets.
 */
export function acknowledged(broker: Aedes, clientId: string, topic: string = topics.barOrders): string[] {
  const payloads: string[] = []
  broker.on('ack', (packet, client) => {
    if (client?.id === clientId && packet.cmd === 'publish' && packet.topic === topic) {
      payloads.push(packet.payload.toString())
    }
  })
  return payloads
}

/**
 * The payloads the broker published on `topic`, from now on. Aedes reports a QoS 1 message once it
 * is queued for the offline sessions too, so a message seen here waits for a bridge that is away.
 */
export function published(broker: Aedes, topic: string = topics.barOrders): string[] {
  const payloads: string[] = []
  broker.on('publish', (packet) => {
    if (packet.topic === topic) payloads.push(packet.payload.toString())
  })
  return payloads
}

/** The order ids among `payloads` of `bar/orders`; malformed ones are left out. */
export function orderIds(payloads: string[]): Set<string> {
  const ids = new Set<string>()
  for (const payload of payloads) {
    try {
      const id = JSON.parse(payload)?.order?.id
      if (typeof id === 'string') ids.add(id)
    } catch {}
  }
  return ids
}
