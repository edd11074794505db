import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClientApp } from './client-app.ts'

let clientDir: string

beforeAll(async () => {
  clientDir = await mkdtemp(join(tmpdir(), 'drinks-client-'))
  await mkdir(join(clientDir, 'assets'))
  await writeFile(join(clientDir, 'index.html'), '<!doctype html><title>Drinks</title>')
  await writeFile(join(clientDir, 'assets', 'main-1a2b3c.js'), 'export {}')
  await writeFile(join(clientDir, 'favicon.svg'), '<svg/>')
})

afterAll(async () => {
  await rm(clientDir, { recursive: true, force: true })
})

describe('caching and routing', () => {
  it('serves the one page for every view, revalidated on each visit', async () => {
    const app = createClientApp({ dir: clientDir, config: () => ({ publicUrl: '', eventName: 'Drinks' }) })
    const page = await app.request('/?bar')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('cache-control')).toBe('no-cache')
  })

  it('lets browsers keep the hashed assets for good, but not other files', async () => {
    const app = createClientApp({ dir: clientDir, config: () => ({ publicUrl: '', eventName: 'Drinks' }) })
    const asset = await app.request('/assets/main-1a2b3c.js')
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect((await app.request('/favicon.svg')).headers.get('cache-control')).toBe('no-cache')
    const missing = await app.request('/assets/gone-000000.js')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('cache-control')).toBeNull()
  })

  it('tells the page its public address: PUBLIC_URL, else the address the guest used through the gateway', async () => {
    const fixed = createClientApp({
      dir: clientDir,
      config: () => ({ publicUrl: 'https://bar.example', eventName: 'Gala' }),
    })
    expect(await (await fixed.request('/config.json')).json()).toEqual({
      publicUrl: 'https://bar.example',
      eventName: 'Gala',
    })
    const derived = createClientApp({ dir: clientDir, config: () => ({ publicUrl: '', eventName: 'Drinks' }) })
    const config = await derived.request('http://drinks.example/config.json', {
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(await config.json()).toEqual({ publicUrl: 'https://drinks.example', eventName: 'Drinks' })
  })

  it('answers API paths no function claims in the API error shape', async () => {
    const app = createClientApp({ dir: clientDir, config: () => ({ publicUrl: '', eventName: 'Drinks' }) })
    const response = await app.request('/api/nothing', { method: 'POST' })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no route for POST /api/nothing' } })
    expect((await app.request('/api/healthz')).status).toBe(200)
  })
})
