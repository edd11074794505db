import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { createClientApp } from './client-app.ts'

const dir = mkdtempSync(join(tmpdir(), 'client-'))
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Drinks</title>')
const app = createClientApp({ dir, config: () => ({ publicUrl: 'https://drinks.example', eventName: 'Gala' }) })

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

test('/config.json tells the page its public address and event name', async () => {
  expect(await (await app.request('/config.json')).json()).toEqual({
    publicUrl: 'https://drinks.example',
    eventName: 'Gala',
  })
})
