import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os'

/** 10/8, 172.16/12 and 192.168/16: the addresses a venue's Wi-Fi hands out. */
const isPrivate = (address: string) => {
  const [a = 0, b = 0] = address.split('.').map(Number)
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
}

/**
 * This machine's address on the network, as phones on the same network reach it: the first
 * non-internal IPv4 address, one in a private range first. Null when there is none (no network).
 */
export function networkAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | null {
  const candidates = Object.values(interfaces)
    .flatMap((entries) => entries ?? [])
    .filter((entry) => entry.family === 'IPv4' && !entry.internal)
    .map((entry) => entry.address)
    // A link-local address means no DHCP answered; a phone will not reach it.
    .filter((address) => !address.startsWith('169.254.'))
  return candidates.find(isPrivate) ?? candidates[0] ?? null
}
