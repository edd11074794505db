import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

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

/** Ranges where the proxies of a cluster live, as `ipaddr.js` names them. */
const privateRanges = new Set([
  'private', // 10/8, 172.16/12, 192.168/16
  'loopback', // 127/8, ::1
  'linkLocal', // 169.254/16, fe80::/10
  'uniqueLocal', // fc00::/7
  'carrierGradeNat', // 100.64/10
  'unspecified', // 0.0.0.0, ::
])

/**
 * Loopback, private, link-local and unique-local addresses, IPv4-mapped ones by their IPv4 form.
 * `ipaddr.js` compares the parsed bits, so every spelling of an address, and every address of a
 * range (all of fe80::/10, not only those written `fe80:`), is classed alike.
 */
export function isPrivate(address: string): boolean {
  if (!ipaddr.isValid(address)) return false
  return privateRanges.has(ipaddr.process(address).range())
}
