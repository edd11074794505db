/**
 * The logs an operator's collector reads: one JSON object a line, with the request id, the order
 * id and the MQTT client's role, and never a token or a guest's note.
 */
import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import { type Order, topics } from '../contract/index.ts'
import { createLogger, logFormat } from '../runtime/logger.ts'
import { barAuth, connectClient, json, testTokens, waitFor } from '../test/harness.ts'
import { NOTE_CANARY } from '../test/log-scan.ts'
import { stackForFile } from '../test/stack.ts'

const lines: string[] = []
const keep = (line: string) => {
  lines.push(line)
}
const stack = stackForFile({ log: createLogger('stack', { info: keep, warn: keep, error: keep }, 'json') })

type Line = Record<string, unknown> & { time: string; level: string; part: string; msg: string }
const parsed = () => lines.map((line) => JSON.parse(line) as Line)

test('JSON lines with request id, order id and MQTT role; no token, no note', async () => {
  const printer = await connectClient(stack.mqttUrl, {
    username: 'printer',
    password: testTokens.printerToken,
    clientId: 'printer-log-test',
  })
  await printer.subscribeAsync(topics.barOrders, { qos: 1 })
  await expect(connectClient(stack.mqttUrl, { username: 'bar', password: 'not-the-bar-token' })).rejects.toThrow()

  const placed = await fetch(`${stack.httpUrl}/api/orders`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId: randomUUID(), nickname: 'Fay', drinkId: 'espresso', note: NOTE_CANARY }),
  })
  expect(placed.status).toBe(201)
  const { order } = (await placed.json()) as { order: Order }
  const moved = await fetch(`${stack.httpUrl}/api/orders/${order.id}`, {
    method: 'PATCH',
    headers: { ...json, ...barAuth },
    body: JSON.stringify({ status: 'preparing' }),
  })
  expect(moved.status).toBe(200)
  await printer.endAsync()
  await waitFor(() => lines.some((line) => line.includes('mqtt client disconnected')))

  const all = parsed()
  for (const line of all) {
    expect(Date.parse(line.time)).not.toBeNaN()
    expect(['info', 'warn', 'error']).toContain(line.level)
    expect(typeof line.msg).toBe('string')
  }
  const post = all.find((line) => line.route === '/api/orders' && line.method === 'POST')
  expect(post).toMatchObject({ part: 'functions', status: 201, orderId: order.id })
  expect(post?.requestId).toBe(placed.headers.get('x-request-id'))
  const patch = all.find((line) => line.route === '/api/orders/:id')
  expect(patch).toMatchObject({ part: 'functions', status: 200, orderId: order.id })
  expect(patch?.requestId).toBe(moved.headers.get('x-request-id'))
  expect(all.find((line) => line.msg === 'mqtt client connected' && line.role === 'printer')).toMatchObject({
    part: 'broker',
    role: 'printer',
    clientId: 'printer-log-test',
  })

  const secrets = [...Object.values(testTokens), NOTE_CANARY, 'not-the-bar-token']
  expect(lines.filter((line) => secrets.some((secret) => line.includes(secret)))).toEqual([])
})

test('LOG_FORMAT chooses; else text on a terminal and JSON for a collector', () => {
  expect(logFormat({}, true)).toBe('text')
  expect(logFormat({}, false)).toBe('json')
  expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json')
  expect(logFormat({ LOG_FORMAT: 'text' }, false)).toBe('text')
  expect(() => logFormat({ LOG_FORMAT: 'xml' }, false)).toThrow(/LOG_FORMAT/)
  const seen: string[] = []
  const text = createLogger('broker', { info: (line) => seen.push(line), warn: () => {}, error: () => {} }, 'text')
  text.info('mqtt client connected', { role: 'printer' })
  expect(seen).toEqual(['[broker] mqtt client connected role=printer'])
})
