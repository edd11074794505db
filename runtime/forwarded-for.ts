import { BlockList, isIP } from 'node:net'

/**
 * The client's address in an X-Forwarded-For header written by our ingress: every proxy on the
 * way (gateway, Kourier, activator, queue-proxy: their number varies) appends the address it saw,
 * and all of them live on private cluster addresses, so the client is the rightmost entry that is
 * not private; entries left of it were written by the client itself and prove nothing. Undefined
 * when the header names no address.
 */
export function forwardedClient(header: string | undefined): string | undefined {
  const hops = (header ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => isIP(entry))
  return hops.findLast((address) => !isPrivate(address)) ?? hops[0]
}

/** Where the proxies of a cluster live. */
const privateRanges = new BlockList()
for (const [network, prefix] of [
  ['10.0.0.0', 8], // private
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['100.64.0.0', 10], // carrier-grade NAT
  ['0.0.0.0', 32], // unspecified
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::1', 128], // loopback
  ['fe80::', 10], // link-local
  ['fc00::', 7], // unique local
  ['::', 128], // unspecified
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6')
}

/**
 * Loopback, private, link-local and unique-local addresses, IPv4-mapped ones by their IPv4 form.
 * Node's BlockList compares the parsed bits, so every spelling of an address, and every address
 * of a range (all of fe80::/10, not only those written `fe80:`), is classed alike.
 */
export function isPrivate(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return false
  return privateRanges.check(address, family === 4 ? 'ipv4' : 'ipv6')
}
