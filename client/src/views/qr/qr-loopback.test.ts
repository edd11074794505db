import { expect, test } from 'vitest'
import { isLoopbackUrl } from './qr-loopback.ts'

test('loopback addresses are the ones only this machine can open', () => {
  for (const url of [
    'http://localhost:8080',
    'http://LOCALHOST',
    'http://127.0.0.1:8080/',
    'http://127.1.2.3',
    'http://[::1]:8080',
    'http://app.localhost',
  ])
    expect(isLoopbackUrl(url), url).toBe(true)
  for (const url of [
    'http://192.168.1.20:8080',
    'https://drinks.example.org',
    'http://10.0.0.5',
    'http://[fd00::1]:8080',
    'not a url',
  ])
    expect(isLoopbackUrl(url), url).toBe(false)
})
