import { Hono } from 'hono'
import { expect, test } from 'vitest'
import { isPrivate } from '../../runtime/forwarded-for.ts'
import { clientAddress } from './client-address.ts'

const app = new Hono().get('/', (c) => c.text(clientAddress(c, true)))
const seen = async (forwardedFor: string) =>
  (await app.request('/', { headers: { 'x-forwarded-for': forwardedFor } })).text()

test('behind the ingress, the client is the rightmost public address, whatever the number of proxies', async () => {
  // gateway → Kourier → queue-proxy
  expect(await seen('203.0.113.7, 10.244.1.5, 10.244.2.9')).toBe('203.0.113.7')
  // gateway → Kourier → activator → queue-proxy
  expect(await seen('203.0.113.7, 10.244.1.5, 10.244.2.9, 10.244.3.3')).toBe('203.0.113.7')
})

test('an address the client wrote itself into X-Forwarded-For is not believed', async () => {
  expect(await seen('198.51.100.1, 203.0.113.7, 10.244.1.5')).toBe('203.0.113.7')
})

test('private ranges', () => {
  for (const address of [
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.1.1',
    '100.64.0.1',
    '::1',
    'fd00::1',
    'fe80::1',
    // All of fe80::/10, not only the addresses written fe80:…
    'fe90::1',
    'fe9a:1234::5',
    'feab::1',
    'febf:ffff::1',
    'FEBF::1',
    // fc00::/7 however it is written, and the unspecified address.
    'fc00::1',
    '0:0:0:0:0:0:0:1',
    '::',
    '::ffff:10.0.0.1',
  ]) {
    expect(isPrivate(address), address).toBe(true)
  }
  for (const address of [
    '203.0.113.7',
    '172.32.0.1',
    '8.8.8.8',
    '2001:db8::1',
    '::ffff:203.0.113.7',
    // Just outside fe80::/10 and fc00::/7, and a public address that starts with the letters fc.
    'fec0::1',
    'fe7f::1',
    'fe00::1',
    '2a00:1450::fc',
  ]) {
    expect(isPrivate(address), address).toBe(false)
  }
})
