/**
 * The 4 KiB body limit as a guest's phone meets it over a real socket: a declared length over the
 * limit, and a chunked body that grows past it, are both 413 `body_too_large` with nothing stored;
 * an order of declared length is read once and placed. Served as a pod serves it.
 */
import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { functionDepsForFile } from '../../test/harness.ts'
import { MAX_BODY_BYTES } from '../shared/app.ts'
import { installLiteWebClasses } from '../shared/node-http.ts'
import { functionServer } from '../shared/serve.ts'
import { createApp } from './index.ts'

const deps = functionDepsForFile()
let server: Server
let port = 0
let restoreWebClasses = () => {}
beforeAll(async () => {
  restoreWebClasses = installLiteWebClasses()
  server = functionServer(createApp(deps), deps)
  await new Promise((resolve) => server.listen(0, () => resolve(undefined)))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  restoreWebClasses()
})

/** POSTs `chunks` to /api/orders, with a Content-Length when `declared`, else chunked. */
function post(chunks: string[], declared: boolean): Promise<{ status: number; body: { error?: { code: string } } }> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0)
    const req = request(
      {
        port,
        method: 'POST',
        path: '/api/orders',
        headers: { 'content-type': 'application/json', ...(declared ? { 'content-length': length } : {}) },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })
}

const order = (guestId: string, note: string) =>
  JSON.stringify({ id: randomUUID(), guestId, nickname: 'Max', drinkId: 'coffee', note })
const stored = async (guestId: string) => (await deps.sql`select 1 from orders where guest_id = ${guestId}`).length

test('a declared length over 4 KiB is refused from the header, nothing stored', async () => {
  const guestId = randomUUID()
  const body = order(guestId, 'x'.repeat(MAX_BODY_BYTES))
  const res = await post([body], true)
  expect(res.status).toBe(413)
  expect(res.body.error?.code).toBe('body_too_large')
  expect(await stored(guestId)).toBe(0)
})

test('a chunked body growing past 4 KiB is refused, nothing stored', async () => {
  const guestId = randomUUID()
  const body = order(guestId, 'x'.repeat(MAX_BODY_BYTES))
  const res = await post([body.slice(0, 1000), body.slice(1000, 3000), body.slice(3000)], false)
  expect(res.status).toBe(413)
  expect(res.body.error?.code).toBe('body_too_large')
  expect(await stored(guestId)).toBe(0)
})

test('orders within the limit are placed, declared or chunked', async () => {
  const guestId = randomUUID()
  const declared = await post([order(guestId, 'oat milk')], true)
  const body = order(guestId, 'n'.repeat(140))
  const chunked = await post([body.slice(0, 50), body.slice(50)], false)
  expect([declared.status, chunked.status]).toEqual([201, 201])
  expect(await stored(guestId)).toBe(2)
})
