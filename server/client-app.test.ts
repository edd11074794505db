import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { type ClientConfig, createClientApp, readClientConfig } from './client-app.ts'

const dir = mkdtempSync(join(tmpdir(), 'client-'))
mkdirSync(join(dir, 'assets'))
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Drinks</title>')
writeFileSync(join(dir, 'assets', 'main-1a2b3c.js'), 'export {}')
writeFileSync(join(dir, 'favicon.svg'), '<svg/>')
writeFileSync(join(dir, 'sw.js'), 'const build = null')
writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Drinks"}')
const appWith = (env: NodeJS.ProcessEnv = {}) => {
  const config: ClientConfig = readClientConfig(env)
  return createClientApp({ dir, config: () => config })
}
const app = appWith({ PUBLIC_URL: 'https://drinks.example', EVENT_NAME: 'Gala' })

test('the page is served with a Content-Security-Policy that allows only its own origin', async () => {
  for (const path of ['/', '/?bar', '/?qr']) {
    const res = await app.request(path)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<title>Drinks</title>')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  }
})

test('the one page is revalidated on each visit; hashed assets are kept for good', async () => {
  expect((await app.request('/?bar')).headers.get('cache-control')).toBe('no-cache')
  expect((await app.request('/assets/main-1a2b3c.js')).headers.get('cache-control')).toBe(
    'public, max-age=31536000, immutable',
  )
  expect((await app.request('/favicon.svg')).headers.get('cache-control')).toBe('no-cache')
  const missing = await app.request('/assets/gone-000000.js')
  expect(missing.status).toBe(404)
  expect(missing.headers.get('cache-control')).toBeNull()
})

test('the service worker and the web app manifest are revalidated on each visit, so a new build is seen at once', async () => {
  const worker = await app.request('/sw.js')
  expect(worker.headers.get('content-type')).toMatch(/^text\/javascript/)
  expect(worker.headers.get('cache-control')).toBe('no-cache')
  const manifest = await app.request('/manifest.webmanifest')
  expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/)
  expect(manifest.headers.get('cache-control')).toBe('no-cache')
})

test('/config.json tells the page its address, event name, wait colours and undo time', async () => {
  expect(await (await app.request('/config.json')).json()).toEqual({
    publicUrl: 'https://drinks.example',
    eventName: 'Gala',
    waitMinutes: [3, 5, 7],
    undoSeconds: 5,
  })
  // Without PUBLIC_URL, the address the guest used through the gateway.
  const derived = appWith({ WAIT_MINUTES: '2,4,10', UNDO_SECONDS: '0' })
  const res = await derived.request('http://drinks.example/config.json', { headers: { 'x-forwarded-proto': 'https' } })
  expect(await res.json()).toEqual({
    publicUrl: 'https://drinks.example',
    eventName: 'Drinks',
    waitMinutes: [2, 4, 10],
    undoSeconds: 0,
  })
})

test('settings that make no sense stop the start with the reason', () => {
  expect(() => readClientConfig({ WAIT_MINUTES: '5,3,7' })).toThrow(/three ascending numbers/)
  expect(() => readClientConfig({ WAIT_MINUTES: '3,5' })).toThrow(/WAIT_MINUTES/)
  expect(() => readClientConfig({ UNDO_SECONDS: '90' })).toThrow(/UNDO_SECONDS/)
})

test('API paths no function claims are answered in the API error shape', async () => {
  const res = await app.request('/api/nothing', { method: 'POST' })
  expect(res.status).toBe(404)
  expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no route for POST /api/nothing' } })
  expect((await app.request('/api/healthz')).status).toBe(200)
})

test('PUBLIC_URL wins over the default address; a malformed one stops the start', () => {
  expect(readClientConfig({}, 'http://192.168.1.20:8080').publicUrl).toBe('http://192.168.1.20:8080')
  expect(readClientConfig({ PUBLIC_URL: 'https://drinks.example/' }, 'http://192.168.1.20:8080').publicUrl).toBe(
    'https://drinks.example',
  )
  expect(readClientConfig({}).publicUrl).toBe('')
  expect(() => readClientConfig({ PUBLIC_URL: '192.168.1.20:8080' })).toThrow(
    /PUBLIC_URL=192.168.1.20:8080 is not an http/,
  )
})
