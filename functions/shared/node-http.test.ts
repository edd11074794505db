/**
 * A function served as its pod serves it (./serve.ts's `functionServer` on ./node-http.ts, with
 * the small web classes installed), as a guest's phone or a prober meets it over a real socket.
 */
import { randomUUID } from 'node:crypto'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { functionDepsForFile } from '../../test/harness.ts'
import { createApp } from '../place-order/index.ts'
import { honoListener, installLiteWebClasses, LiteHeaders, LiteResponse } from './node-http.ts'
import { functionServer } from './serve.ts'

const deps = functionDepsForFile()
let server: Server
let restoreWebClasses = () => {}
beforeAll(async () => {
  restoreWebClasses = installLiteWebClasses()
  server = await listening(functionServer(createApp(deps), deps))
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  restoreWebClasses()
})

async function listening(s: Server): Promise<Server> {
  await new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(undefined)))
  return s
}

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

function call(
  to: Server,
  method: string,
  path: string,
  { body, headers = {} }: { body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { port } = to.address() as AddressInfo
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

test('an order with letters beyond ASCII is placed, and a retry gets the stored order back byte for byte', async () => {
  const order = {
    id: randomUUID(),
    guestId: randomUUID(),
    nickname: 'Zoë 🍹',
    drinkId: 'coffee',
    note: 'Hafermilch, süß',
  }
  const headers = { 'content-type': 'application/json' }
  const placed = await call(server, 'POST', '/api/orders', { body: JSON.stringify(order), headers })
  expect(placed.status).toBe(201)
  expect(placed.headers['content-type']).toMatch(/^application\/json/)
  expect(Number(placed.headers['content-length'])).toBe(Buffer.byteLength(placed.text))
  expect(placed.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/)
  const stored = JSON.parse(placed.text).order
  expect(stored).toMatchObject({ id: order.id, nickname: 'Zoë 🍹', note: 'Hafermilch, süß', status: 'placed' })

  const again = await call(server, 'POST', '/api/orders', { body: JSON.stringify(order), headers })
  expect(again.status).toBe(200)
  expect(JSON.parse(again.text).order).toEqual(stored)
})

test('a body that is not JSON, and a path no function serves, get the error shape', async () => {
  const malformed = await call(server, 'POST', '/api/orders', {
    body: '{"guestId": ',
    headers: { 'content-type': 'application/json' },
  })
  expect(malformed.status).toBe(400)
  expect(JSON.parse(malformed.text).error.code).toBe('malformed_json')
  const missing = await call(server, 'GET', '/api/nothing-here')
  expect(missing.status).toBe(404)
  expect(JSON.parse(missing.text).error.code).toBe('not_found')
})

test('HEAD of the liveness probe answers without a body', async () => {
  const head = await call(server, 'HEAD', '/api/healthz')
  expect(head.status).toBe(200)
  expect(head.text).toBe('')
})

test('a Host header that would move the path is refused 400, not routed', async () => {
  const moved = await call(server, 'GET', '/api/healthz', { headers: { host: 'bar.example/api/orders?' } })
  expect(moved.status).toBe(400)
  expect(JSON.parse(moved.text).error).toEqual({
    code: 'invalid_input',
    message: 'the request line or the Host header is not valid',
  })
  const fine = await call(server, 'GET', '/api/healthz', { headers: { host: '[::1]:8080' } })
  expect(fine.status).toBe(200)
})

test('a fetch that throws is answered 500 in the error shape and reported, and the server serves on', async () => {
  const failures: string[] = []
  let fail = true
  const fetch = () => {
    if (fail) throw new Error('boom')
    return new LiteResponse('ok')
  }
  const bare = await listening(createServer(honoListener(fetch, (error) => failures.push(error.message))))
  try {
    const failed = await call(bare, 'GET', '/')
    expect(failed.status).toBe(500)
    expect(JSON.parse(failed.text).error.code).toBe('internal')
    expect(failures).toEqual(['boom'])
    fail = false
    const next = await call(bare, 'GET', '/')
    expect([next.status, next.text, next.headers['content-type']]).toEqual([200, 'ok', 'text/plain;charset=UTF-8'])
  } finally {
    await new Promise((resolve) => bare.close(resolve))
  }
})

test('headers: names in any case, repeated values joined, each Set-Cookie kept apart', () => {
  const headers = new LiteHeaders({ 'Content-Type': 'application/json', Vary: 'accept' })
  headers.append('vary', 'origin')
  headers.append('Set-Cookie', 'a=1')
  headers.append('set-cookie', 'b=2')
  expect(headers.get('content-type')).toBe('application/json')
  expect(headers.get('VARY')).toBe('accept, origin')
  expect(headers.getSetCookie()).toEqual(['a=1', 'b=2'])
  expect([...new LiteHeaders(headers)]).toEqual([
    ['content-type', 'application/json'],
    ['vary', 'accept, origin'],
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
  ])
  headers.delete('Vary')
  expect(headers.has('vary')).toBe(false)
})

test('a response body is read once; a clone reads it again; a stream body is refused with a reason', async () => {
  const response = LiteResponse.json({ drinks: [] }, { status: 201 })
  expect(response.headers.get('content-type')).toBe('application/json')
  const copy = response.clone()
  expect(await response.json()).toEqual({ drinks: [] })
  await expect(response.text()).rejects.toThrow('already read')
  expect(await copy.text()).toBe('{"drinks":[]}')
  expect(() => new LiteResponse(new ReadableStream())).toThrow('a string or bytes only')
})

test('Response.json is JSON whatever other headers it is given, unless it is told another type', () => {
  const withHeaders = LiteResponse.json({ ok: false }, { status: 500, headers: { 'cache-control': 'no-store' } })
  expect([withHeaders.headers.get('content-type'), withHeaders.headers.get('cache-control')]).toEqual([
    'application/json',
    'no-store',
  ])
  const told = LiteResponse.json({}, { headers: { 'content-type': 'application/problem+json' } })
  expect(told.headers.get('content-type')).toBe('application/problem+json')
})
