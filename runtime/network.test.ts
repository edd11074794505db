import type { NetworkInterfaceInfo } from 'node:os'
import { expect, test } from 'vitest'
import { networkAddress } from './network.ts'

const entry = (address: string, internal = false, family: 'IPv4' | 'IPv6' = 'IPv4') =>
  ({ address, internal, family, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo

test('the network address is the first external IPv4 one, a private one first, never link-local', () => {
  expect(networkAddress({ lo: [entry('127.0.0.1', true)], eth0: [entry('192.168.1.20')] })).toBe('192.168.1.20')
  expect(
    networkAddress({ eth0: [entry('fe80::1', false, 'IPv6'), entry('203.0.113.5')], wlan0: [entry('10.0.0.7')] }),
  ).toBe('10.0.0.7')
  expect(networkAddress({ eth0: [entry('172.20.0.3')], eth1: [entry('172.32.0.3')] })).toBe('172.20.0.3')
  expect(networkAddress({ eth0: [entry('169.254.10.1')], eth1: [entry('198.51.100.4')] })).toBe('198.51.100.4')
  expect(networkAddress({ lo: [entry('127.0.0.1', true)], eth0: [entry('fe80::1', false, 'IPv6')] })).toBeNull()
})
