import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os'
import ipaddr from 'ipaddr.js'

/** The range `ipaddr.js` names for an IPv4 address. */
const rangeOf = (address: string) => (ipaddr.IPv4.isValid(address) ? ipaddr.IPv4.parse(address).range() : undefined)
/** 10/8, 172.16/12 and 192.168/16: the addresses a venue's Wi-Fi hands out. */
const isPrivate = (address: string) => rangeOf(address) === 'private'

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
    .filter((address) => rangeOf(address) !== 'linkLocal')
  return candidates.find(isPrivate) ?? candidates[0] ?? null
}
